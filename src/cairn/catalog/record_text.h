// record_to_json_text: the compact JSON text of a record, written directly into a string.
//
// Contract: returns exactly record_to_json(record).dump() (same keys in the same sorted order,
// same escaping, same numbers), without building an nlohmann::json tree — the catalog's bulk
// ingest path serializes every record and the tree costs more than the database insert.
// labels.infos (free-form) is delegated to nlohmann's dump, as are strings holding non-ASCII
// bytes (so invalid UTF-8 is rejected exactly as dump() rejects it: by throwing).
#pragma once

#include <string>

#include "cairn/catalog/record.h"

namespace cairn::catalog {

std::string record_to_json_text(const ArtifactRecord& record);
// Appends the text to out (reuse one buffer across records).
void append_record_json_text(const ArtifactRecord& record, std::string& out);

}  // namespace cairn::catalog
