#include "cairn/catalog/query_field.h"

#include <array>

namespace cairn::catalog {
namespace {

struct ColumnSpec {
  std::string_view path;
  std::string_view column;
  FieldType type;
};

constexpr std::array kColumns{
    ColumnSpec{"artifact_id", "artifact_id", FieldType::text},
    ColumnSpec{"name", "name", FieldType::text},
    ColumnSpec{"version", "version", FieldType::integer},
    ColumnSpec{"username", "username", FieldType::text},
    ColumnSpec{"hostname", "hostname", FieldType::text},
    ColumnSpec{"run_id", "run_id", FieldType::text},
    ColumnSpec{"creation_time", "creation_time", FieldType::time},
    ColumnSpec{"git.commit", "git_commit", FieldType::text},
    ColumnSpec{"git.branch", "git_branch", FieldType::text},
    ColumnSpec{"git.dirty", "git_dirty", FieldType::boolean},
    ColumnSpec{"labels.datatype", "label_datatype", FieldType::text},
    ColumnSpec{"labels.ticket", "label_ticket", FieldType::text},
    ColumnSpec{"labels.project", "label_project", FieldType::text},
    ColumnSpec{"labels.dataset", "label_dataset", FieldType::text},
    ColumnSpec{"labels.description", "label_description", FieldType::text},
};

constexpr std::array<std::string_view, 3> kArrayFields{"based_on", "file_relpaths", "argv"};

bool valid_dotted(std::string_view p) {
  if (p.empty() || p.front() == '.' || p.back() == '.') return false;
  if (p.find("..") != std::string_view::npos) return false;
  for (char c : p)
    if (static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}

}  // namespace

Expected<QueryField> resolve_query_field(std::string_view path) {
  for (const auto& c : kColumns)
    if (c.path == path) return QueryField{std::string(path), FieldStorage::column, c.type, c.column};
  for (auto a : kArrayFields)
    if (a == path) return QueryField{std::string(path), FieldStorage::values_table, FieldType::text, {}};
  if (path.starts_with("labels.") && valid_dotted(path)) {
    bool infos = path.starts_with("labels.infos.");
    return QueryField{std::string(path), FieldStorage::values_table, infos ? FieldType::any : FieldType::text, {}};
  }
  if (path.starts_with("environment.python_packages.") && valid_dotted(path))
    return QueryField{std::string(path), FieldStorage::values_table, FieldType::text, {}};
  return make_error(ErrorCode::invalid_input,
                    "query: unknown field '" + std::string(path) +
                        "' (fields: artifact_id, name, version, username, hostname, run_id, creation_time, "
                        "git.commit, git.branch, git.dirty, based_on, file_relpaths, argv, labels.<key>, "
                        "labels.infos.<key>, environment.python_packages.<name>)");
}

}  // namespace cairn::catalog
