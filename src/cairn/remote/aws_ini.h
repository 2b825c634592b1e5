// Parser for the AWS shared files (~/.aws/credentials and ~/.aws/config), which follow
// Python configparser rules as botocore reads them:
// - "[section]" headers; "key = value" or "key: value" lines; keys are lower-cased and values
//   trimmed; lines starting with '#' or ';' are comments (no inline comments: "a = b # c"
//   has the value "b # c", as in configparser).
// - A key with an empty value followed by indented "k = v" lines is a nested sub-section
//   (the AWS CLI "s3 =" block); its entries are stored flattened as "s3.k".
// - Other indented lines continue the previous value (joined with '\n').
// Malformed input (an entry outside any section, a line that is neither a header nor an
// entry) is invalid_input naming the file and line. Pure function; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "cairn/util/error.h"

namespace cairn::remote::aws {

using IniSection = std::map<std::string, std::string>;
// Section name (as written, e.g. "default", "profile dev") -> entries.
using IniFile = std::map<std::string, IniSection>;

Expected<IniFile> parse_aws_ini(std::string_view text, std::string_view file_name);

}  // namespace cairn::remote::aws
