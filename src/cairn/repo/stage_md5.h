// stage_md5: the `md5:` DVC writes at the top of an import's `.dvc` file (dvc/stage/utils.py
// compute_md5), and that `status` compares to detect a hand-edited stage ("changed checksum").
//
// Input: the stage as DVC dumps it (top-level md5, frozen, deps, outs, ...). Dropped before
// hashing: top-level `md5`, `meta`, `desc`, and `wdir` when it is "."; then, at any depth, the
// keys desc, type, labels, meta, locked, frozen, metric, persist, isexec, size, nfiles. The rest
// is serialized as Python's json.dumps(sort_keys=True) and hashed with MD5 (hex).
#pragma once

#include <string>

#include "cairn/util/yaml_node.h"

namespace cairn::repo {

std::string stage_md5(const yaml::Node& dumped_stage);

}  // namespace cairn::repo
