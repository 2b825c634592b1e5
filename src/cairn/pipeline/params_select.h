// params_select: the part of a params file that a list of tracked keys selects, as DVC's
// read_param_file(key_paths=...) builds it (dpath.search + dpath.merge with separator ".").
//
// Each key is split on "."; a segment is matched against mapping keys, and against sequence
// indices in decimal; a segment may be a glob (fnmatch `*`, `?`, `[...]`), and `**` matches
// any number of segments (zero included). A key without glob characters is looked up
// directly, so a negative index counts from the end of a sequence. Every node whose path
// matches is copied with its whole subtree into the result, under the same path: mappings
// keep the document's key order of the first key that created them, a sequence on the path
// is rebuilt with nulls before the selected index ({"b": [null, 2]} for "b.1").
// Keys are applied in order, each distinct key once; a later key merges into what earlier
// keys selected (mappings recursively, sequences appended, scalars replaced).
// Keys that match nothing select nothing; the result is always a mapping.
#pragma once

#include <string>
#include <vector>

#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

yaml::Node select_params(const yaml::Node& doc, const std::vector<std::string>& keys);

}  // namespace cairn::pipeline
