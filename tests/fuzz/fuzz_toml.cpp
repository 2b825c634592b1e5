// libFuzzer target for cairn::pipeline::parse_toml (params files in TOML). For any input the
// parser accepts:
//  - every float node holds the literal py::float_literal gives for its value (what dvc.lock
//    would get), and
//  - writing the tree back as canonical TOML (quoted keys, basic strings with \u escapes,
//    inline tables and arrays) and parsing that gives an equal tree.
// Aborts on violation so both libFuzzer and the standalone driver (standalone_main.cpp) report
// it. Inputs that fail to parse only have to fail cleanly.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cairn/pipeline/py_format.h"
#include "cairn/pipeline/py_value.h"
#include "cairn/pipeline/toml_reader.h"

namespace {

using cairn::yaml::Node;

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

std::string value(const Node& n) {
  switch (n.kind()) {
    case Node::Kind::boolean:
      return n.as_bool() ? "true" : "false";
    case Node::Kind::integer:
      return std::to_string(n.as_int());
    case Node::Kind::floating: {
      double v = cairn::pipeline::float_value(n);
      if (std::isnan(v)) return "nan";
      if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
      return cairn::pipeline::py::float_repr(v);
    }
    case Node::Kind::string:
      return quote(n.as_string());
    case Node::Kind::sequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.size(); ++i) out += (i ? ", " : "") + value(n.items()[i]);
      return out + "]";
    }
    case Node::Kind::mapping: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : n.entries()) {
        out += (first ? "" : ", ") + quote(k) + " = " + value(v);
        first = false;
      }
      return out + "}";
    }
    default:
      std::fprintf(stderr, "null node in a TOML tree\n");
      std::abort();
  }
}

void check_floats(const Node& n) {
  if (n.is_float()) {
    double v = cairn::pipeline::float_value(n);
    if (n.as_string() != cairn::pipeline::py::float_literal(v)) {
      std::fprintf(stderr, "float literal %s is not canonical\n", n.as_string().c_str());
      std::abort();
    }
  }
  for (const auto& item : n.items()) check_floats(item);
  for (const auto& [k, v] : n.entries()) check_floats(v);
}

// Node equality compares float literals as text (canonical here), so nan equals nan.
bool same(const Node& a, const Node& b) {
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto first = cairn::pipeline::parse_toml(text, "fuzz.toml");
  if (!first) return 0;
  check_floats(*first);
  std::string written;
  for (const auto& [k, v] : first->entries()) written += quote(k) + " = " + value(v) + "\n";
  auto second = cairn::pipeline::parse_toml(written, "written.toml");
  if (!second) {
    // Writing tables inline nests them deeper than headers did; the depth limit may then apply.
    if (second.error().message().find("nesting too deep") != std::string::npos) return 0;
    std::fprintf(stderr, "written TOML does not parse: %s\n--- written ---\n%s\n",
                 second.error().message().c_str(), written.c_str());
    std::abort();
  }
  if (!same(*first, *second)) {
    std::fprintf(stderr, "round trip changed the document\n--- written ---\n%s\n", written.c_str());
    std::abort();
  }
  return 0;
}
