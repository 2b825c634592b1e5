#include "cairn/catalog/record_text.h"

#include <charconv>

namespace cairn::catalog {
namespace {

// A JSON string literal as nlohmann's dump() writes it (ensure_ascii = false).
void str(std::string_view s, std::string& out) {
  for (unsigned char c : s) {
    if (c >= 0x80) {  // leave UTF-8 handling (and validation) to nlohmann
      out += nlohmann::json(std::string(s)).dump();
      return;
    }
  }
  out.push_back('"');
  size_t run = 0;
  auto flush = [&](size_t end) {
    out.append(s.data() + run, end - run);
  };
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    flush(i);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static const char* kHex = "0123456789abcdef";
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
      }
    }
  }
  flush(s.size());
  out.push_back('"');
}

void opt_str(const std::optional<std::string>& s, std::string& out) {
  if (s) str(*s, out);
  else out += "null";
}

template <class T>
void num(T v, std::string& out) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void str_list(const std::vector<std::string>& v, std::string& out) {
  out.push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(',');
    str(v[i], out);
  }
  out.push_back(']');
}

}  // namespace

void append_record_json_text(const ArtifactRecord& r, std::string& out) {
  // Keys in std::map (sorted) order, as nlohmann::json objects iterate.
  out += "{\"argv\":";
  str_list(r.argv, out);
  out += ",\"artifact_id\":";
  str(r.artifact_id, out);
  out += ",\"based_on\":";
  str_list(r.based_on, out);
  out += ",\"creation_time\":";
  str(format_iso_time(r.creation_time), out);
  out += ",\"environment\":{\"executable\":";
  str(r.environment.executable, out);
  out += ",\"executable_version\":";
  str(r.environment.executable_version, out);
  out += ",\"python_packages\":{";
  bool first = true;
  for (const auto& [k, v] : r.environment.python_packages) {
    if (!first) out.push_back(',');
    first = false;
    str(k, out);
    out.push_back(':');
    str(v, out);
  }
  out += "}},\"files\":{";
  first = true;
  for (const auto& [rel, f] : r.files) {
    if (!first) out.push_back(',');
    first = false;
    str(rel, out);
    out += ":{\"md5\":";
    str(f.md5, out);
    out += ",\"size\":";
    num(f.size, out);
    out += ",\"url\":";
    str(f.url, out);
    out.push_back('}');
  }
  out += "},\"format_version\":";
  num(kRecordFormatVersion, out);
  out += ",\"git\":";
  if (r.git) {
    out += "{\"branch\":";
    str(r.git->branch, out);
    out += ",\"commit\":";
    str(r.git->commit, out);
    out += r.git->dirty == GitDirty::dirty ? ",\"dirty\":true}" : ",\"dirty\":false}";
  } else {
    out += "null";
  }
  out += ",\"hostname\":";
  str(r.hostname, out);
  out += ",\"labels\":{\"dataset\":";
  opt_str(r.labels.dataset, out);
  out += ",\"datatype\":";
  opt_str(r.labels.datatype, out);
  out += ",\"description\":";
  opt_str(r.labels.description, out);
  out += ",\"infos\":";
  out += r.labels.infos.dump();
  out += ",\"project\":";
  opt_str(r.labels.project, out);
  out += ",\"ticket\":";
  opt_str(r.labels.ticket, out);
  out += "},\"name\":";
  opt_str(r.name, out);
  out += ",\"run_id\":";
  str(r.run_id, out);
  out += ",\"username\":";
  str(r.username, out);
  out += ",\"version\":";
  num(r.version, out);
  out.push_back('}');
}

std::string record_to_json_text(const ArtifactRecord& r) {
  std::string out;
  out.reserve(512);
  append_record_json_text(r, out);
  return out;
}

}  // namespace cairn::catalog
