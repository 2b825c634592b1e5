// value_json: the --json documents of `params diff`, `metrics diff` and `metrics show`, shaped
// like DVC's (ui.write_json of the result dicts), as nlohmann::ordered_json for the CLI's
// Python-compatible dumps().
//
// node_to_json: null/bool/int as themselves, floats as doubles (printed as Python's repr,
// Infinity/NaN), strings, sequences and mappings in order.
// diff_json: {"<path>": {"<key>": {"old": v, "new": v, "diff": d}}} ("diff" only for numbers).
// show_json: {"<rev>": {"data": {"<path>": {"data": {...}}}}}; a file that failed has
// {"error": {"type": "JSONFileCorruptedError", "msg": "..."}} instead of "data", a revision
// that failed {"error": {...}} instead of its "data". Paths are printed as given (callers make
// them relative to the cwd).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/pipeline/rev_data.h"
#include "cairn/pipeline/value_diff.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

nlohmann::ordered_json node_to_json(const yaml::Node& node);
nlohmann::ordered_json diff_json(const std::vector<FileDiff>& diff);
nlohmann::ordered_json show_json(const std::vector<std::pair<std::string, RevData>>& revs);

}  // namespace cairn::pipeline
