#include "cairn/object/hash_info.h"

#include "cairn/util/md5.h"

namespace cairn::object {

bool is_valid_object_id(std::string_view value) {
  if (value.size() == 32) return is_md5_hex(value);
  if (value.size() == 36 && value.substr(32) == ".dir") return is_md5_hex(value.substr(0, 32));
  return false;
}

std::string object_relpath(const ObjectId& id) {
  std::string prefix = id.name == HashName::md5 ? "files/md5/" : "";
  return prefix + id.value.substr(0, 2) + "/" + id.value.substr(2);
}

}  // namespace cairn::object
