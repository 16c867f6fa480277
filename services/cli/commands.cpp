#include "commands.h"

#include "catalog/catalog.h"
#include "common/env.h"
#include "db/connection.h"
#include "youtube/link.h"

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

void add_video_argument(cxxopts::Options& options) {
  options.add_options()("video", "yt:<id> or a YouTube link", cxxopts::value<std::string>());
  options.parse_positional({"video"});
  options.positional_help("yt:<id>|URL");
}

std::string video_argument(const cxxopts::ParseResult& r, const std::string& command) {
  if (!r.count("video")) throw std::invalid_argument("missing yt:<id> (see tubedigest " + command + " --help)");
  return youtube::canonical_key(r["video"].as<std::string>());
}

std::unique_ptr<pqxx::connection> open_store(const std::string& database_url_flag) {
  auto conn = db::connect(database_url_from(database_url_flag));
  catalog::prepare(*conn);
  return conn;
}

}  // namespace td::cli
