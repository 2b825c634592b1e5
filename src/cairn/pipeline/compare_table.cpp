#include "cairn/pipeline/compare_table.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "cairn/pipeline/params_file.h"
#include "cairn/pipeline/py_format.h"
#include "cairn/pipeline/py_value.h"

namespace cairn::pipeline {

std::string format_field(const yaml::Node& value, std::optional<int> precision, Rounding rounding) {
  if (value.is_float() && precision && *precision != 0) {
    double v = float_value(value);
    if (rounding == Rounding::round_digits) return py::round_text(v, *precision);
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*g", *precision, v);
    return buf;
  }
  return py::str(value);
}

TextTable diff_table(const std::vector<FileDiff>& diff, const DiffTableOptions& options) {
  const std::string fill = "-";
  auto cell = [&](const yaml::Node& v) {
    return v.is_null() ? fill : format_field(v, options.precision, options.rounding);
  };
  std::vector<std::vector<std::string>> rows;
  for (const auto& file : diff) {
    for (const auto& c : file.changes) {
      rows.push_back({file.path, c.key, cell(c.old_value), cell(c.new_value), c.diff ? cell(*c.diff) : fill});
    }
  }
  if (options.a_rev == options.b_rev) {
    // One shared column: old and new values appended alternately, read back row by row.
    std::vector<std::string> shared;
    for (const auto& r : rows) {
      shared.push_back(r[2]);
      shared.push_back(r[3]);
    }
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i][2] = rows[i][3] = shared[i];
  }
  TextTable t;
  t.headers = {"Path", options.title, options.a_rev, options.b_rev, "Change"};
  std::vector<bool> keep(5, true);
  if (options.path == ShowPath::no) keep[0] = false;
  if (options.changes == ShowChanges::no) keep[4] = false;
  auto project = [&](const std::vector<std::string>& row) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < row.size(); ++i)
      if (keep[i]) out.push_back(row[i]);
    return out;
  };
  t.headers = project(t.headers);
  for (const auto& r : rows) t.rows.push_back(project(r));
  return t;
}

TextTable metrics_table(const std::vector<std::pair<std::string, RevData>>& revs, ShowRevision revision,
                        std::optional<int> precision, Rounding rounding) {
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::string> keys;
  auto note_key = [&](const std::string& k) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  };
  for (const auto& [rev, data] : revs) {
    for (const auto& file : data.files) {
      std::map<std::string, std::string> row{{"Revision", rev}, {"Path", file.path}};
      if (file.data && file.data->is_map()) {
        for (const auto& [k, v] : flatten(*file.data)) {
          note_key(k);
          row[k] = format_field(*v, precision, rounding);
        }
      } else if (file.data) {
        note_key("");
        row[""] = format_field(*file.data, precision, rounding);
      }
      rows.push_back(std::move(row));
    }
  }
  std::sort(keys.begin(), keys.end());
  TextTable t;
  if (revision == ShowRevision::yes) t.headers.push_back("Revision");
  t.headers.push_back("Path");
  for (const auto& k : keys) t.headers.push_back(k);
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (const auto& h : t.headers) {
      auto it = row.find(h);
      cells.push_back(it == row.end() ? "-" : it->second);
    }
    t.rows.push_back(std::move(cells));
  }
  return t;
}

}  // namespace cairn::pipeline
