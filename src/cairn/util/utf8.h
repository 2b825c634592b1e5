// UTF-8 encoding and lenient decoding shared by the emitters and readers (YAML, Python-style
// JSON and repr, INI, TOML, S3 XML).
//
// append_utf8 appends the encoding of one code point (nothing for values above U+10FFFF).
// decode_utf8 turns bytes into code points; a byte that does not start a valid sequence
// (bad lead or continuation byte, truncated, overlong, a surrogate, above U+10FFFF) is
// replaced according to InvalidByte and decoding resumes at the next byte.
// first_invalid_utf8 is the offset of the first such byte, or npos when `s` is valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace cairn {

enum class InvalidByte {
  replacement_char,  // U+FFFD
  surrogate_escape,  // U+DC00 + byte, as Python's errors="surrogateescape"
};

void append_utf8(std::string& out, char32_t cp);

std::u32string decode_utf8(std::string_view s, InvalidByte invalid);

std::size_t first_invalid_utf8(std::string_view s);

}  // namespace cairn
