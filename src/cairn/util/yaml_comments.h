// carry_comments: keeps a YAML file's comments and blank lines when cairn rewrites it, as DVC
// does (ruamel.yaml round-trip: comments stay attached where they were while values change).
//
// Contract: `old_text` is the file as it is on disk, `old_emitted` is emit() of what parsing it
// gave, and `new_emitted` is emit() of the updated document. When old_text is old_emitted with
// comments and blank lines added (every other line identical, in order), the result is
// new_emitted with each comment block and blank line put back before the line of the same
// structural position (key path, sequence index), each end-of-line comment back on its line
// (at its old column when the line is not longer than that, else one space after it), and
// comments after the last line kept at the end. Comments whose line no longer exists are
// dropped. In any other case (formatting that emit() would change anyway) the result is
// new_emitted unchanged. Positions come from the emitter's block layout: `key: value`,
// `key:` opening a block, `- ` sequence items (at the parent key's column or deeper), and
// continuation lines of folded scalars, which belong to the line above.
#pragma once

#include <string>
#include <string_view>

namespace cairn::yaml {

std::string carry_comments(std::string_view old_text, std::string_view old_emitted, std::string_view new_emitted);

}  // namespace cairn::yaml
