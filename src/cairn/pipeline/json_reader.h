// json_reader: parses a JSON params/metrics file into an ordered yaml::Node tree the way DVC
// sees it (Python's json.loads).
//
// Like json.loads: object key order is kept; a repeated key keeps its first position and takes
// the last value; numbers without fraction or exponent are integers (int64; larger ones become
// floats), others floats (stored as py::float_literal of the double); NaN, Infinity and
// -Infinity are accepted; strings must not contain raw control characters; \uXXXX escapes
// combine surrogate pairs (a lone surrogate is kept as its 3-byte WTF-8 form). Whitespace is
// space, tab, CR and LF only; a UTF-8 BOM is an error. Nodes carry their 1-based line.
//
// Errors (ErrorCode::invalid_input, "<filename>:<line>: what"): invalid UTF-8, malformed
// JSON, trailing data, nesting deeper than 512 levels.
#pragma once

#include <string_view>

#include "cairn/util/error.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

Expected<yaml::Node> parse_json(std::string_view text, std::string_view filename);

}  // namespace cairn::pipeline
