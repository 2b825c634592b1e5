// py_format: how DVC (Python) prints and subtracts values loaded from params/metrics files.
//
// DVC holds params and metrics as Python objects and formats them with str()/repr(), json.dumps
// and round(); cairn holds them as yaml::Node trees (see py_value.h for float_value and
// py_equal). Contract:
//  - float_repr: repr() of a Python float ("0.1", "1e-05", "100.0", "inf", "-inf", "nan");
//  - float_literal: the floating-node literal cairn stores for a double that came from JSON or
//    TOML: ruamel's representation (repr lower-cased, `.inf`/`-.inf`/`.nan`), so yaml::emit
//    writes it as DVC would and float_value() reads the same double back;
//  - str / repr: Python's str() and repr() (True/False/None, shortest round-trip floats,
//    strings single-quoted with Python's escapes, `[1, 'a']`, `{'k': 1.5}`); str() of a string
//    is the string itself;
//  - is_number: isinstance(x, (int, float)) (bools count);
//  - subtract: `new - old` for two numbers (int - int stays int, True - False == 1), else
//    nullopt; an int64 overflow falls back to floating point (Python would keep a big int);
//  - round_text: str(round(x, ndigits)) for a float: half-even on the exact binary value, like
//    CPython (ndigits may be negative).
#pragma once

#include <optional>
#include <string>

#include "cairn/util/yaml_node.h"

namespace cairn::pipeline::py {

std::string float_repr(double value);
std::string float_literal(double value);

std::string str(const yaml::Node& node);
std::string repr(const yaml::Node& node);
// repr() of a Python str holding this UTF-8 text.
std::string repr_string(const std::string& text);

bool is_number(const yaml::Node& node);
std::optional<yaml::Node> subtract(const yaml::Node& new_value, const yaml::Node& old_value);

std::string round_text(double value, int ndigits);

}  // namespace cairn::pipeline::py
