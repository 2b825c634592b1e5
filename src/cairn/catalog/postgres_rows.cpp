#include "cairn/catalog/postgres_rows.h"

#include <bit>
#include <cstdio>
#include <cstring>
#include <optional>

#include "cairn/catalog/record_index.h"
#include "cairn/catalog/record_text.h"

namespace cairn::catalog::postgres {
namespace {

constexpr std::uint32_t kTextOid = 25;  // pg_type.oid of text: the element type of text[]

// Network byte order, as every binary COPY field.
template <class T>
void put_be(std::string& out, T v) {
  using U = std::make_unsigned_t<T>;
  auto u = static_cast<U>(v);
  char b[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<char>(u >> (8 * (sizeof(T) - 1 - i)));
  out.append(b, sizeof(T));
}

void field_count(std::string& out, std::int16_t n) { put_be(out, n); }
void null_field(std::string& out) { put_be<std::int32_t>(out, -1); }
void int8_field(std::string& out, std::int64_t v) {
  put_be<std::int32_t>(out, 8);
  put_be(out, v);
}
void int2_field(std::string& out, std::int16_t v) {
  put_be<std::int32_t>(out, 2);
  put_be(out, v);
}
void float8_field(std::string& out, double v) {
  put_be<std::int32_t>(out, 8);
  put_be(out, std::bit_cast<std::int64_t>(v));
}
void text_field(std::string& out, std::string_view s) {
  put_be(out, static_cast<std::int32_t>(s.size()));
  out.append(s);
}
void text_field(std::string& out, const std::optional<std::string>& s) {
  if (s) text_field(out, std::string_view(*s));
  else null_field(out);
}
void non_empty_field(std::string& out, const std::string& s) {
  if (s.empty()) null_field(out);
  else text_field(out, std::string_view(s));
}

// A one-dimensional text[] without NULL elements (array_recv's layout).
void text_array_field(std::string& out, const std::vector<std::string>& items, std::string& scratch) {
  scratch.clear();
  put_be<std::int32_t>(scratch, 1);  // dimensions
  put_be<std::int32_t>(scratch, 0);  // no NULL elements
  put_be(scratch, kTextOid);
  put_be(scratch, static_cast<std::int32_t>(items.size()));
  put_be<std::int32_t>(scratch, 1);  // lower bound
  for (const auto& s : items) text_field(scratch, std::string_view(s));
  put_be(out, static_cast<std::int32_t>(scratch.size()));
  out += scratch;
}

}  // namespace

std::string number_text(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

void append_copy_header(std::string& out) {
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // + its terminating NUL: 11 bytes
  out.append(kSignature, sizeof kSignature);
  put_be<std::int32_t>(out, 0);  // flags
  put_be<std::int32_t>(out, 0);  // header extension length
}

void append_copy_trailer(std::string& out) { put_be<std::int16_t>(out, -1); }

void append_artifact_row(const ArtifactRecord& r, std::int64_t seq, std::string& out, std::string& scratch) {
  field_count(out, 17);
  int8_field(out, seq);
  text_field(out, std::string_view(r.artifact_id));
  text_field(out, r.name);
  int8_field(out, r.version);
  text_field(out, std::string_view(r.username));
  non_empty_field(out, r.hostname);
  non_empty_field(out, r.run_id);
  int8_field(out, r.creation_time.time_since_epoch().count());
  if (r.git) {
    text_field(out, std::string_view(r.git->commit));
    non_empty_field(out, r.git->branch);
    int2_field(out, r.git->dirty == GitDirty::dirty ? 1 : 0);
  } else {
    null_field(out);
    null_field(out);
    null_field(out);
  }
  for (const auto* label :
       {&r.labels.datatype, &r.labels.ticket, &r.labels.project, &r.labels.dataset, &r.labels.description})
    text_field(out, *label);
  if (r.based_on.empty()) null_field(out);
  else text_array_field(out, r.based_on, scratch);
}

void append_record_row(const ArtifactRecord& r, std::int64_t seq, std::string& out, std::string& scratch) {
  field_count(out, 2);
  int8_field(out, seq);
  scratch.clear();
  append_record_json_text(r, scratch);
  text_field(out, std::string_view(scratch));
}

void append_value_rows(const ArtifactRecord& r, std::int64_t seq, std::string& out) {
  for (const auto& v : index_values(r)) {
    field_count(out, 4);
    int8_field(out, seq);
    text_field(out, std::string_view(v.path));
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::string>) {
            text_field(out, std::string_view(x));
            null_field(out);
          } else if constexpr (std::is_same_v<T, bool>) {
            null_field(out);
            float8_field(out, x ? 1.0 : 0.0);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            null_field(out);
            float8_field(out, static_cast<double>(x));
          } else if constexpr (std::is_same_v<T, double>) {
            null_field(out);
            float8_field(out, x);
          } else {  // index_values never yields null
            null_field(out);
            null_field(out);
          }
        },
        v.value);
  }
}

}  // namespace cairn::catalog::postgres
