// compare_table: the tables `params diff`, `metrics diff` and `metrics show` print, built
// like dvc/compare.py (`diff_table`, `metrics_table`, `_format_field`, TabularData).
//
// format_field: str() of a value; with a precision (> 0) a float is rounded first —
// str(round(x, precision)) when round_digits, else `f"{x:.{precision}g}"`.
//
// diff_table: columns Path, <title>, <a_rev>, <b_rev>, Change; one row per changed key, files
// in the given order, keys sorted; a missing value or change is "-". no_path drops Path,
// ShowChanges::no drops Change. When a_rev equals b_rev DVC's TabularData keeps a single
// column under both headers (it is a dict keyed by header) and fills it with old and new
// values alternately, so row i shows the i-th value of that sequence in both columns; this
// is reproduced.
//
// metrics_table: one row per (revision, file): Revision, Path, then one column per flattened
// metric key over all rows, sorted; "-" where a row has no such key (a file that failed to
// load has only its Revision and Path); a non-mapping metrics document is one column named "".
// The Revision column is kept only with ShowRevision::yes.
//
// Paths are printed as given: callers pass them relative to the cwd.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cairn/pipeline/rev_data.h"
#include "cairn/pipeline/value_diff.h"
#include "cairn/util/text_table.h"

namespace cairn::pipeline {

enum class Rounding { none, round_digits };
enum class ShowChanges { no, yes };
enum class ShowPath { no, yes };
enum class ShowRevision { no, yes };

std::string format_field(const yaml::Node& value, std::optional<int> precision, Rounding rounding);

struct DiffTableOptions {
  std::string title;  // "Param" or "Metric"
  std::string a_rev = "HEAD";
  std::string b_rev = "workspace";
  ShowPath path = ShowPath::yes;
  ShowChanges changes = ShowChanges::yes;
  std::optional<int> precision;
  Rounding rounding = Rounding::none;
};

TextTable diff_table(const std::vector<FileDiff>& diff, const DiffTableOptions& options);

// `revs`: (revision name, data) in display order, file paths already relative to the cwd.
TextTable metrics_table(const std::vector<std::pair<std::string, RevData>>& revs, ShowRevision revision,
                        std::optional<int> precision, Rounding rounding);

}  // namespace cairn::pipeline
