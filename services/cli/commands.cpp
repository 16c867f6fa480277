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

cxxopts::ParseResult parse_args(cxxopts::Options& options, const std::string& command, const Args& args) {
  std::vector<std::string> storage{command};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  auto r = options.parse(static_cast<int>(argv.size()), argv.data());
  // cxxopts keeps positionals beyond the declared ones aside; a second URL
  // or a typo must not be dropped without a word.
  if (!r.unmatched().empty()) {
    throw std::invalid_argument("unexpected argument '" + r.unmatched().front() + "' (see tubedigest " + command +
                                " --help)");
  }
  return r;
}

}  // namespace td::cli
