#include "cairn/catalog/postgres_rows.h"

#include <cstdio>
#include <optional>

#include "cairn/catalog/postgres_connection.h"
#include "cairn/catalog/record_index.h"
#include "cairn/catalog/record_text.h"

namespace cairn::catalog::postgres {
namespace {

void field(std::string& out, const std::optional<std::string>& v) {
  if (v) copy_text_field(*v, out);
  else copy_null_field(out);
}

void non_empty_field(std::string& out, const std::string& v) {
  if (v.empty()) copy_null_field(out);
  else copy_text_field(v, out);
}

}  // namespace

std::string number_text(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

void append_artifact_row(const ArtifactRecord& r, std::int64_t seq, std::string& out, std::string& scratch) {
  out += std::to_string(seq);
  out += '\t';
  copy_text_field(r.artifact_id, out);
  out += '\t';
  field(out, r.name);
  out += '\t';
  out += std::to_string(r.version);
  out += '\t';
  copy_text_field(r.username, out);
  out += '\t';
  non_empty_field(out, r.hostname);
  out += '\t';
  non_empty_field(out, r.run_id);
  out += '\t';
  out += std::to_string(r.creation_time.time_since_epoch().count());
  out += '\t';
  if (r.git) {
    copy_text_field(r.git->commit, out);
    out += '\t';
    non_empty_field(out, r.git->branch);
    out += '\t';
    out += r.git->dirty == GitDirty::dirty ? '1' : '0';
  } else {
    out += "\\N\t\\N\t\\N";
  }
  for (const auto* label :
       {&r.labels.datatype, &r.labels.ticket, &r.labels.project, &r.labels.dataset, &r.labels.description}) {
    out += '\t';
    field(out, *label);
  }
  out += '\t';
  if (r.based_on.empty()) {
    copy_null_field(out);
  } else {
    scratch.clear();
    append_array_literal(r.based_on, scratch);
    copy_text_field(scratch, out);
  }
  out += '\n';
}

void append_record_row(const ArtifactRecord& r, std::int64_t seq, std::string& out, std::string& scratch) {
  out += std::to_string(seq);
  out += '\t';
  scratch.clear();
  append_record_json_text(r, scratch);
  copy_text_field(scratch, out);
  out += '\n';
}

void append_value_rows(const ArtifactRecord& r, std::int64_t seq, std::string& out) {
  const std::string seq_text = std::to_string(seq);
  for (const auto& v : index_values(r)) {
    out += seq_text;
    out += '\t';
    copy_text_field(v.path, out);
    out += '\t';
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::string>) {
            copy_text_field(x, out);
            out += "\t\\N";
          } else if constexpr (std::is_same_v<T, bool>) {
            out += x ? "\\N\t1" : "\\N\t0";
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            out += "\\N\t";
            out += std::to_string(x);
          } else if constexpr (std::is_same_v<T, double>) {
            out += "\\N\t";
            out += number_text(x);
          } else {
            out += "\\N\t\\N";  // index_values never yields null
          }
        },
        v.value);
    out += '\n';
  }
}

}  // namespace cairn::catalog::postgres
