// Text-level update of one entry of a top-level mapping section (`stages:` of dvc.yaml or
// dvc.lock) that keeps every other byte of the file: comments, blank lines, quoting and the
// formatting of the other entries.
//
// splice_section_entry() returns the new text in which `section.name` holds `value`:
//  - an existing block-mapping entry is updated key by key, like ruamel after DVC's apply_diff:
//    unchanged keys keep their lines (and comments), changed keys are re-emitted in place
//    (comment lines after them kept, inline comments on them lost), new keys are appended after
//    the last key and its trailing comment lines, removed keys are dropped; an entry that is
//    not a block mapping is replaced whole (comment lines after it kept);
//  - a new entry is appended after the section's last entry (and the comment lines that trail
//    it), as ruamel appends to a round-tripped mapping;
//  - a missing section is appended at the end of the file.
// The entry is emitted with yaml::emit (ruamel's bytes) and re-indented to the section's
// indentation. The result is verified by parsing it: it must equal `expected` (the document
// with the entry replaced); when the text cannot be spliced (flow style, unusual layout) or the
// check fails, the whole `expected` document is emitted instead (comments are then lost).
#pragma once

#include <string>
#include <string_view>

#include "cairn/util/error.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

// `text` and its parsed form `doc` (a mapping); `expected` is `doc` with the entry set.
Expected<std::string> splice_section_entry(const std::string& text, const yaml::Node& doc, std::string_view section,
                                           std::string_view name, const yaml::Node& value,
                                           const yaml::Node& expected);

}  // namespace cairn::pipeline
