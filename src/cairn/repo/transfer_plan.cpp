#include "cairn/repo/transfer_plan.h"

#include <unordered_set>

#include "cairn/repo/object_transfer.h"

namespace cairn::repo {

using object::ObjectId;

std::vector<PlannedObject> ObjectGroup::objects() const {
  std::vector<PlannedObject> out;
  std::unordered_set<std::string> seen;
  auto add = [&](const ObjectId& id, const std::string& name) {
    if (seen.insert(id.value).second) out.push_back({id, name});
  };
  for (const auto& d : dirs) {
    add(d.id, d.name);
    if (!d.tree) continue;
    for (const auto& e : d.tree->entries()) add(ObjectId{e.md5, layout}, d.name + "/" + e.relpath);
  }
  for (const auto& f : files) add(f.id, f.name);
  return out;
}

std::unordered_map<std::string, std::vector<ObjectId>> ObjectGroup::dir_files() const {
  std::unordered_map<std::string, std::vector<ObjectId>> out;
  for (const auto& d : dirs) {
    if (!d.tree) continue;
    auto& v = out[d.id.value];
    v.reserve(d.tree->entries().size());
    for (const auto& e : d.tree->entries()) v.push_back(ObjectId{e.md5, layout});
  }
  return out;
}

Expected<TransferPlan> plan_transfer(CloudRemotes& remotes, const std::vector<UsedOutput>& outputs,
                                     const std::string& cli_remote, NoRemote no_remote) {
  TransferPlan plan;
  for (const auto& out : outputs) {
    std::string name = out.remote.empty() ? cli_remote : out.remote;
    if (name.empty() && no_remote == NoRemote::skip && !remotes.has_default()) {
      plan.skipped_no_remote = true;
      continue;
    }
    ASSIGN_OR_RETURN(CloudRemote * remote, remotes.get(name));
    ObjectGroup* group = nullptr;
    for (auto& g : plan.groups)
      if (g.remote == remote && g.layout == out.id.name) group = &g;
    if (!group) {
      plan.groups.push_back(ObjectGroup{remote, out.id.name, {}, {}});
      group = &plan.groups.back();
    }
    if (out.id.is_dir()) {
      bool dup = false;
      for (const auto& d : group->dirs) dup = dup || d.id == out.id;
      if (!dup) group->dirs.push_back(PlannedDir{out.id, out.name, std::nullopt, std::nullopt, false});
    } else {
      group->files.push_back({out.id, out.name});
    }
  }
  return plan;
}

Status load_manifests(Repository& repo, ObjectGroup& group, Manifests where) {
  for (auto& d : group.dirs) {
    auto tree = repo.store().read_tree(d.id);
    if (tree) {
      d.tree = std::move(*tree);
      d.in_cache = true;
      continue;
    }
    if (tree.error().code() != ErrorCode::not_found && tree.error().code() != ErrorCode::corrupt)
      return std::unexpected(tree.error());
    if (where == Manifests::cache_only) continue;
    // stat first: a missing key and a missing bucket are both not_found on a GET.
    ASSIGN_OR_RETURN(auto info, group.remote->remote->stat(remote_key(d.id)));
    if (!info) continue;
    ASSIGN_OR_RETURN(auto fetched, fetch_manifest(*group.remote->remote, d.id));
    d.tree = std::move(fetched.tree);
    d.remote_bytes = std::move(fetched.bytes);
  }
  return ok();
}

}  // namespace cairn::repo
