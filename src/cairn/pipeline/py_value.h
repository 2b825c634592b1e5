// Python semantics over yaml::Node values, as DVC applies them to dvc.yaml variables and
// params: `str()` of a scalar (DVC's parsing `to_str`), `==` between loaded values, and the
// numeric value of a YAML float literal.
//
// Contract:
//  - py_str: strings as is, booleans "true"/"false" (DVC's to_str), null "None", integers in
//    decimal, floats as Python's repr of the double ("0.1", "1e-05", "inf", "nan").
//    Collections are not handled here (see interpolate.h).
//  - py_equal: Python `==` of the loaded values: bool/int/float compare numerically (True == 1,
//    1 == 1.0, nan != nan), strings by bytes, lists element-wise, mappings by key set and
//    values regardless of order, null only equals null.
#pragma once

#include <string>

#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

// The double a YAML 1.2 float literal denotes ("1_000.5", ".inf", "-.Inf", ".nan").
double float_value(const yaml::Node& node);

std::string py_str(const yaml::Node& scalar);

bool py_equal(const yaml::Node& a, const yaml::Node& b);

}  // namespace cairn::pipeline
