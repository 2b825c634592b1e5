// Keys of record files and objects in an artifact root (contract in artifacts.h).
#include <chrono>
#include <cstdio>

#include "cairn/catalog/artifacts.h"

namespace cairn::catalog {
namespace {

std::string sanitize_user(std::string_view user) {
  std::string out;
  for (char c : user) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    out.push_back(ok ? c : '_');
  }
  if (out.empty() || out == "." || out == "..") out = "_";
  return out;
}

}  // namespace

std::string day_prefix(TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "artifacts/%04d/%02u/%02u/", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string record_key(const ArtifactRecord& record) {
  const auto day = std::chrono::floor<std::chrono::days>(record.creation_time);
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(record.creation_time - day)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%02d%02d_", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return day_prefix(record.creation_time) + sanitize_user(record.username) + "/" + buf + record.artifact_id + ".json";
}

std::string object_key(std::string_view md5) {
  return "files/md5/" + std::string(md5.substr(0, 2)) + "/" + std::string(md5.substr(2));
}

}  // namespace cairn::catalog
