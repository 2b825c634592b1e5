// The rows a record contributes to the artifact_values side table, which backs queries on
// multi-valued and free-form fields.
//
// Contract: one row (path, value) per element of based_on, file_relpaths (the keys of files)
// and argv (argv only with ArgvRows::include: SQLite reads argv from the record JSON instead);
// one per scalar leaf of
// labels.infos (objects nest with '.', each array element is a row under the array's path,
// nulls are skipped); one per environment.python_packages.<name>. Values keep their JSON type
// (text, integer, real, boolean) so the query compiler can compare like with like. The fixed
// labels (datatype, ticket, project, dataset, description) are columns of artifacts instead.
#pragma once

#include <string>
#include <vector>

#include "cairn/catalog/query.h"
#include "cairn/catalog/record.h"

namespace cairn::catalog {

struct IndexedValue {
  std::string path;
  Scalar value;
};

enum class ArgvRows { include, exclude };

std::vector<IndexedValue> index_values(const ArtifactRecord& record, ArgvRows argv = ArgvRows::include);

}  // namespace cairn::catalog
