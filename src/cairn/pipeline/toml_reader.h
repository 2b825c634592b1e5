// toml_reader: parses a TOML params/metrics file into an ordered yaml::Node tree the way DVC
// sees it (tomlkit 0.15 `loads(text).unwrap()`).
//
// Supported: comments; bare, quoted and dotted keys; [tables], [[arrays of tables]] and
// implicitly created super-tables (defined later, in any order); basic, literal and multi-line
// strings with every TOML 1.1 escape (\b \t \n \f \r \e \" \\ \xHH \uXXXX \UXXXXXXXX and
// line-ending backslashes); decimal/hex/octal/binary integers with `_` separators; floats incl.
// inf/nan; booleans; arrays (mixed types, multi-line, trailing comma); inline tables (also
// multi-line with a trailing comma, as tomlkit accepts). Key order is document order.
//
// Value mapping: integers -> integer nodes (int64; larger values become floats), floats ->
// floating nodes holding py::float_literal of the double, dates/times -> strings as Python's
// str() prints the datetime/date/time tomlkit builds ("1979-05-27 07:32:00+00:00",
// "07:32:00.500000"), tables -> mappings, arrays -> sequences. Nodes carry their 1-based line.
//
// Errors (ErrorCode::invalid_input, "<filename>:<line>: what"): invalid UTF-8, control
// characters, malformed values, a key defined twice, a table defined twice or redefined with
// dotted keys, extending an inline table or a static array, unterminated strings/arrays,
// nesting deeper than 512 levels.
#pragma once

#include <string_view>

#include "cairn/util/error.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

Expected<yaml::Node> parse_toml(std::string_view text, std::string_view filename);

}  // namespace cairn::pipeline
