#include "cairn/pipeline/py_format.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "cairn/pipeline/py_value.h"
#include "cairn/util/py_json.h"
#include "cairn/util/utf8.h"

namespace cairn::pipeline::py {
namespace {

// Decodes one UTF-8 sequence at s[i] and advances i. A byte that does not start a valid
// sequence is returned as itself (>= 0x80) with i advanced by one.
char32_t next_code_point(std::string_view s, std::size_t& i, bool& invalid) {
  auto c = static_cast<unsigned char>(s[i]);
  invalid = false;
  std::size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
  if (n == 0) {
    ++i;
    return c;
  }
  if (n == 9 || i + n >= s.size()) {
    invalid = true;
    ++i;
    return c;
  }
  char32_t cp = c & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);
  for (std::size_t k = 1; k <= n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      invalid = true;
      ++i;
      return c;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += n + 1;
  return cp;
}

// Python's str.isprintable() for code points >= 0xA0, approximated by the non-printable
// categories that occur in practice (Cf, Zs/Zl/Zp, surrogates, private use, noncharacters).
bool printable(char32_t cp) {
  if (cp == 0xA0 || cp == 0xAD) return false;
  if (cp >= 0x600 && cp <= 0x605) return false;
  if (cp == 0x61C || cp == 0x6DD || cp == 0x70F || cp == 0x1680 || cp == 0x180E) return false;
  if (cp >= 0x2000 && cp <= 0x200F) return false;
  if (cp >= 0x2028 && cp <= 0x202F) return false;
  if (cp >= 0x205F && cp <= 0x206F) return false;
  if (cp == 0x3000 || cp == 0xFEFF) return false;
  if (cp >= 0xD800 && cp <= 0xF8FF) return false;
  if (cp >= 0xFFF9 && cp <= 0xFFFB) return false;
  if (cp == 0xFFFE || cp == 0xFFFF) return false;
  if (cp >= 0xE0000) return false;
  return true;
}

// A number as Python sees it: an exact integer or a double.
struct Number {
  bool is_float = false;
  std::int64_t i = 0;
  double f = 0;
};

Number number_of(const yaml::Node& n) {
  if (n.is_bool()) return {false, n.as_bool() ? 1 : 0, 0};
  if (n.is_int()) return {false, n.as_int(), 0};
  return {true, 0, float_value(n)};
}

// Keeps the first `keep` digits of `digits` rounded half-even on the dropped tail; a carry out
// of the first digit makes the result one digit longer.
std::string round_half_even(const std::string& digits, std::size_t keep) {
  if (keep >= digits.size()) return digits;
  std::string kept = digits.substr(0, keep);
  char first = digits[keep];
  bool rest_nonzero = digits.find_first_not_of('0', keep + 1) != std::string::npos;
  bool odd = !kept.empty() && (kept.back() - '0') % 2 == 1;
  bool up = first > '5' || (first == '5' && (rest_nonzero || odd));
  if (!up) return kept;
  int k = static_cast<int>(kept.size()) - 1;
  while (k >= 0 && kept[k] == '9') kept[k--] = '0';
  if (k >= 0) {
    ++kept[k];
  } else {
    kept.insert(kept.begin(), '1');
  }
  return kept;
}

}  // namespace

std::string float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return pyjson::float_repr(value);
}

std::string float_literal(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  return pyjson::float_repr(value);  // repr is already lower case ("1e-05")
}

std::string repr_string(const std::string& text) {
  bool has_single = text.find('\'') != std::string::npos;
  bool has_double = text.find('"') != std::string::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  std::size_t i = 0;
  char buf[16];
  while (i < text.size()) {
    bool invalid = false;
    char32_t cp = next_code_point(text, i, invalid);
    if (invalid) {  // surrogateescape, as Python decodes undecodable bytes
      std::snprintf(buf, sizeof buf, "\\udc%02x", static_cast<unsigned>(cp));
      out += buf;
    } else if (cp == static_cast<char32_t>(quote) || cp == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
      out += buf;
    } else if (cp < 0x7F || printable(cp)) {
      append_utf8(out, cp);
    } else if (cp <= 0xFF) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
      out += buf;
    } else if (cp <= 0xFFFF) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(cp));
      out += buf;
    }
  }
  out.push_back(quote);
  return out;
}

std::string repr(const yaml::Node& node) {
  switch (node.kind()) {
    case yaml::Node::Kind::null:
      return "None";
    case yaml::Node::Kind::boolean:
      return node.as_bool() ? "True" : "False";
    case yaml::Node::Kind::integer:
      return std::to_string(node.as_int());
    case yaml::Node::Kind::floating:
      return float_repr(float_value(node));
    case yaml::Node::Kind::string:
      return repr_string(node.as_string());
    case yaml::Node::Kind::sequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < node.items().size(); ++i) {
        if (i) out += ", ";
        out += repr(node.items()[i]);
      }
      return out + "]";
    }
    case yaml::Node::Kind::mapping: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, value] : node.entries()) {
        if (!first) out += ", ";
        first = false;
        out += repr_string(key) + ": " + repr(value);
      }
      return out + "}";
    }
  }
  return "";
}

std::string str(const yaml::Node& node) {
  return node.is_string() ? node.as_string() : repr(node);
}

bool is_number(const yaml::Node& node) {
  return node.is_bool() || node.is_int() || node.is_float();
}

std::optional<yaml::Node> subtract(const yaml::Node& new_value, const yaml::Node& old_value) {
  if (!is_number(new_value) || !is_number(old_value)) return std::nullopt;
  Number n = number_of(new_value), o = number_of(old_value);
  if (!n.is_float && !o.is_float) {
    std::int64_t r;
    if (!__builtin_sub_overflow(n.i, o.i, &r)) return yaml::Node::integer(r);
    return yaml::Node::floating(float_literal(static_cast<double>(n.i) - static_cast<double>(o.i)));
  }
  double a = n.is_float ? n.f : static_cast<double>(n.i);
  double b = o.is_float ? o.f : static_cast<double>(o.i);
  return yaml::Node::floating(float_literal(a - b));
}

std::string round_text(double value, int ndigits) {
  // CPython's float.__round__: beyond these bounds the result is x itself or a signed zero.
  constexpr int kMaxDigits = 323, kMinDigits = -308;
  if (!std::isfinite(value) || value == 0.0 || ndigits > kMaxDigits) return float_repr(value);
  if (ndigits < kMinDigits) return float_repr(0.0 * value);
  // The exact decimal expansion of |value| (glibc prints the exact binary value).
  std::vector<char> buf(1600);
  int len = std::snprintf(buf.data(), buf.size(), "%.1100f", std::fabs(value));
  std::string text(buf.data(), static_cast<std::size_t>(len));
  auto dot = text.find('.');
  std::string digits = text.substr(0, dot) + text.substr(dot + 1);
  // |value| * 10^ndigits rounded to an integer: keep int_len + ndigits digits.
  long keep = static_cast<long>(dot) + ndigits;
  std::string kept;
  if (keep == 0) {
    kept = round_half_even("0" + digits, 1);
  } else if (keep > 0) {
    kept = round_half_even(digits, static_cast<std::size_t>(keep));
  }
  if (kept.empty()) kept = "0";
  // Back to a double through the decimal text, as CPython does (keeps the sign of zero).
  std::string num = (value < 0 ? "-" : "") + kept + "e" + std::to_string(-ndigits);
  return float_repr(std::strtod(num.c_str(), nullptr));
}

}  // namespace cairn::pipeline::py
