// Schema checks of dvc.yaml and dvc.lock documents before they are resolved — DVC's
// MULTI_STAGE_SCHEMA and LOCKFILE_SCHEMA (dvc/schema.py, voluptuous).
//
// The first violation in document order is reported as one invalid_input error in DVC's
// words, naming the file, the path of keys and a line:
//   './dvc.yaml' validation failed: extra keys not allowed, in stages -> a -> outz, line 4
// Messages are voluptuous's: "extra keys not allowed", "required key not provided",
// "expected str", "expected bool", "expected a list", "expected a dictionary". The line is
// the one DVC's determine_linecol reports: the offending value's if it is a collection,
// otherwise its nearest enclosing collection's.
#pragma once

#include <string>

#include "cairn/util/error.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

// `shown` is the file as DVC names it ("./dvc.yaml").
Status validate_dvc_yaml(const yaml::Node& doc, const std::string& shown);
Status validate_dvc_lock(const yaml::Node& doc, const std::string& shown);

// "./dvc.yaml" for "dvc.yaml", "../x/dvc.yaml" unchanged (DVC's make_relpath).
std::string dvc_shown_path(const std::string& cwd_relpath);

}  // namespace cairn::pipeline
