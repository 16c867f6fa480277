#include "commands.h"

#include "common/env.h"

namespace td::cli {

std::map<std::string, Command>& registry() {
  static std::map<std::string, Command> r;
  return r;
}

std::string database_url_from(const std::string& flag) {
  if (!flag.empty()) return flag;
  return env::database_url();
}

std::vector<char*> to_argv(const std::string& program, const Args& args, std::vector<std::string>& storage) {
  storage.clear();
  storage.push_back(program);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  return argv;
}

}  // namespace td::cli
