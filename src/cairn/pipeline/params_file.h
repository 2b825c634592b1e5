// params_file: reading params and metrics files (YAML, JSON, TOML) into yaml::Node trees as DVC
// sees them, and addressing their values with dotted keys.
//
// The format follows the file's extension, case-insensitively, like DVC's LOADERS: `.json` ->
// JSON (json_reader.h), `.toml` -> TOML (toml_reader.h), `.py` -> not supported (an
// invalid_input error saying so), anything else (`.yaml`, `.yml`, no extension, ...) -> YAML
// (yaml::parse, DVC's YAML 1.2 resolution). Like DVC (`load(...) or {}`), a document whose
// top-level value is falsy (empty, null, false, 0, "", [] or {}) loads as an empty mapping.
//
// Errors: not_found when the file does not exist, the reader's invalid_input
// ("<path>:<line>: what") when it does not parse, io errors from the Env.
//
// lookup_dotted("a.b.0") walks mappings by key and sequences by decimal index (dpath.get with
// separator "."); nullptr when any step is missing.
//
// flatten() is DVC's flatten (flatten_dict with the "dot" reducer): nested mappings become
// dotted keys in document order ({"a": {"b": 1}} -> "a.b"); sequences and scalars are leaves
// (kept whole); an empty mapping contributes nothing. A non-mapping root yields no entries.
// The pointers refer into the argument.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/util/error.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

enum class ParamsFormat { yaml, json, toml, python };

// The format DVC picks for a path (by its extension).
ParamsFormat params_format_for(std::string_view path);

// Parses file contents; `path` selects the format and names the file in errors.
Expected<yaml::Node> parse_params_text(std::string_view text, const std::string& path);

Expected<yaml::Node> load_params_file(env::Env* env, const std::string& path);

const yaml::Node* lookup_dotted(const yaml::Node& root, std::string_view dotted);

std::vector<std::pair<std::string, const yaml::Node*>> flatten(const yaml::Node& node);

}  // namespace cairn::pipeline
