#include "cairn/cache/state_file.h"

#include "cairn/util/path.h"

namespace cairn::cache {

void for_each_state_line(env::Env* env, const std::string& file, std::string_view magic,
                         const std::function<void(std::string_view)>& fn) {
  auto data = env->read_file(file);
  if (!data || !data->starts_with(magic)) return;
  std::string_view rest = std::string_view(*data).substr(magic.size());
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    if (nl == std::string_view::npos) break;
    fn(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
}

Status write_state_file(env::Env* env, const std::string& file, const std::string& contents) {
  TRY_STATUS(env->make_dirs(path::parent(file)));
  return env->write_file_atomic(file, contents, 0644, env::Durability::none);
}

}  // namespace cairn::cache
