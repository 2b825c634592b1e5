// The rows one record contributes to each PostgreSQL catalog table, in COPY's binary format
// (postgres_schema.h has the tables).
//
// Contract: a COPY stream is copy_header(), then rows, then copy_trailer(). Each append_*
// function appends the complete tuple(s) of the record stored under seq, in the column order
// of the matching kCopy* statement: artifacts (fixed fields, labels, based_on as text[] or NULL
// when empty), artifact_records (the record JSON as record_to_json_text writes it) and
// artifact_values (index_values(record): text in `value`, numbers and booleans as 0/1 in
// `num`). Values go as the server's binary types (int8, int2, float8, text, text[]), so the
// server parses no text.
#pragma once

#include <cstdint>
#include <string>

#include "cairn/catalog/record.h"

namespace cairn::catalog::postgres {

inline constexpr const char* kCopyArtifacts =
    "COPY artifacts (seq, artifact_id, name, version, username, hostname, run_id, creation_time, git_commit, "
    "git_branch, git_dirty, label_datatype, label_ticket, label_project, label_dataset, label_description, "
    "based_on) FROM STDIN WITH (FORMAT binary";
inline constexpr const char* kCopyRecords = "COPY artifact_records (seq, record) FROM STDIN WITH (FORMAT binary";
inline constexpr const char* kCopyValues =
    "COPY artifact_values (seq, path, value, num) FROM STDIN WITH (FORMAT binary";
// The kCopy* statements end inside their option list: append more options (", FREEZE"), then ")".

void append_copy_header(std::string& out);
void append_copy_trailer(std::string& out);

// scratch is reused working space (its content is unspecified afterwards).
void append_artifact_row(const ArtifactRecord& r, std::int64_t seq, std::string& out, std::string& scratch);
void append_record_row(const ArtifactRecord& r, std::int64_t seq, std::string& out, std::string& scratch);
void append_value_rows(const ArtifactRecord& r, std::int64_t seq, std::string& out);

// A number as PostgreSQL reads it back exactly (%.17g), for text parameters.
std::string number_text(double d);

}  // namespace cairn::catalog::postgres
