// value_diff: DVC's comparison of the params or metrics of two revisions
// (dvc/utils/diff.py `diff` over `format_dict`ed data, as dvc/repo/metrics/diff.py `_diff`
// and dvc/repo/params/diff.py call it).
//
// For every file path of either revision (a file that failed to load counts as {}):
//  - lists anywhere inside the data are replaced by their Python str() ("[1, 2, 'x']");
//  - when either side is a mapping, both are flattened to dotted keys (params_file.h flatten);
//    a side that is empty/falsy has no keys, a non-mapping side reads "unable to parse" for
//    every key of the other; otherwise the two values are compared under the key "";
//  - a key is reported when its values differ by Python `==` (1 == 1.0, nan != nan, a missing
//    key equals null), or always with Unchanged::show; `diff` is new - old when both values
//    are numbers (bools count as ints).
// Files without reported keys are left out. Files come sorted by path and keys sorted within
// a file (DVC iterates Python sets there, so its order is arbitrary).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/pipeline/rev_data.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

enum class Unchanged { hide, show };

struct ValueChange {
  std::string key;
  yaml::Node old_value;  // null when missing
  yaml::Node new_value;
  std::optional<yaml::Node> diff;
};

struct FileDiff {
  std::string path;  // relative to the repository root
  std::vector<ValueChange> changes;
};

std::vector<FileDiff> diff_revisions(const RevData& old_rev, const RevData& new_rev, Unchanged unchanged);

}  // namespace cairn::pipeline
