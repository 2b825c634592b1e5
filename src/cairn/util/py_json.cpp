// Python-compatible JSON text (see py_json.h).
#include "cairn/util/py_json.h"
#include "cairn/util/utf8.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace cairn::pyjson {
namespace {

void append_u_escape(std::string& out, unsigned unit) {
  static const char* kHex = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(unit >> shift) & 0xF]);
}

void append_quoted(std::string& out, std::string_view utf8) {
  out.push_back('"');
  for (char32_t cp : decode_utf8(utf8, InvalidByte::surrogate_escape)) {
    switch (cp) {
      case U'"':
        out += "\\\"";
        break;
      case U'\\':
        out += "\\\\";
        break;
      case U'\n':
        out += "\\n";
        break;
      case U'\r':
        out += "\\r";
        break;
      case U'\t':
        out += "\\t";
        break;
      case U'\b':
        out += "\\b";
        break;
      case U'\f':
        out += "\\f";
        break;
      default:
        if (cp >= 0x20 && cp <= 0x7E) {
          out.push_back(static_cast<char>(cp));
        } else if (cp <= 0xFFFF) {
          append_u_escape(out, cp);
        } else {
          char32_t v = cp - 0x10000;
          append_u_escape(out, 0xD800 | (v >> 10));
          append_u_escape(out, 0xDC00 | (v & 0x3FF));
        }
    }
  }
  out.push_back('"');
}

template <class Json>
void dump(std::string& out, const Json& value) {
  using nlohmann::detail::value_t;
  switch (value.type()) {
    case value_t::null:
    case value_t::discarded:
    case value_t::binary:
      out += "null";
      return;
    case value_t::boolean:
      out += value.template get<bool>() ? "true" : "false";
      return;
    case value_t::number_integer:
      out += std::to_string(value.template get<std::int64_t>());
      return;
    case value_t::number_unsigned:
      out += std::to_string(value.template get<std::uint64_t>());
      return;
    case value_t::number_float:
      out += float_repr(value.template get<double>());
      return;
    case value_t::string:
      append_quoted(out, value.template get_ref<const std::string&>());
      return;
    case value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ", ";
        first = false;
        dump(out, item);
      }
      out.push_back(']');
      return;
    }
    case value_t::object: {
      // Python sorts str keys by code point; compare decoded sequences.
      struct Item {
        std::u32string decoded;
        const std::string* key;
        const Json* value;
      };
      std::vector<Item> keys;
      for (auto it = value.begin(); it != value.end(); ++it) {
        keys.push_back(Item{decode_utf8(it.key(), InvalidByte::surrogate_escape), &it.key(), &it.value()});
      }
      std::sort(keys.begin(), keys.end(), [](const Item& a, const Item& b) { return a.decoded < b.decoded; });
      out.push_back('{');
      bool first = true;
      for (const Item& item : keys) {
        if (!first) out += ", ";
        first = false;
        append_quoted(out, *item.key);
        out += ": ";
        dump(out, *item.value);
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

std::string float_repr(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  // Shortest round-trip digits, then CPython's float_repr_style='short' layout:
  // scientific when the decimal exponent is < -4 or >= 16, otherwise fixed with ".0".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool negative = sci[0] == '-';
  std::size_t epos = sci.find('e');
  std::string mantissa = sci.substr(negative ? 1 : 0, epos - (negative ? 1 : 0));
  int exp10 = std::atoi(sci.c_str() + epos + 1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  int decpt = exp10 + 1;  // value = 0.DIGITS * 10^decpt
  std::string out = negative ? "-" : "";
  if (decpt <= -4 || decpt > 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char e[16];
    int ev = decpt - 1;
    std::snprintf(e, sizeof e, "e%c%02d", ev < 0 ? '-' : '+', ev < 0 ? -ev : ev);
    out += e;
  } else if (decpt <= 0) {
    out += "0." + std::string(-decpt, '0') + digits;
  } else if (static_cast<std::size_t>(decpt) >= digits.size()) {
    out += digits + std::string(decpt - digits.size(), '0') + ".0";
  } else {
    out += digits.substr(0, decpt) + "." + digits.substr(decpt);
  }
  return out;
}

std::string quote_string(std::string_view utf8) {
  std::string out;
  append_quoted(out, utf8);
  return out;
}

std::string dumps_sorted(const nlohmann::json& value) {
  std::string out;
  dump(out, value);
  return out;
}

std::string dumps_sorted(const nlohmann::ordered_json& value) {
  std::string out;
  dump(out, value);
  return out;
}

}  // namespace cairn::pyjson
