// cairn::pyjson — byte-exact reimplementation of Python's `json.dumps(obj, sort_keys=True)`.
//
// DVC hashes JSON text produced by Python (`.dir` manifests, stage md5s), so cairn must produce
// the very same bytes: separators ", " and ": ", no whitespace otherwise, object keys sorted by
// Unicode code point, ensure_ascii=True (every non-ASCII code point and DEL written as a
// lowercase `\uXXXX` escape, UTF-16 surrogate pairs above U+FFFF), `/` not escaped,
// `true`/`false`/`null`, integers in decimal, floats as Python's repr() (shortest round-trip
// digits, "1.0", "1e+16", "1e-05"; inf/nan as Infinity/-Infinity/NaN like allow_nan=True).
// Strings are UTF-8; a byte that is not part of valid UTF-8 is treated like Python's
// surrogateescape decoding does (byte 0xXY -> "\udcXY"), as DVC sees such file names.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cairn::pyjson {

// json.dumps(value, sort_keys=True). Key order of the input does not matter.
std::string dumps_sorted(const nlohmann::json& value);
std::string dumps_sorted(const nlohmann::ordered_json& value);

// json.dumps(str) for one string, including the surrounding quotes.
std::string quote_string(std::string_view utf8);

// A float as json.dumps writes it: repr() ("0.1", "1e+16", "1e-05"), or Infinity/-Infinity/NaN.
std::string float_repr(double value);

}  // namespace cairn::pyjson
