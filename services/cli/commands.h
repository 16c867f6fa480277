// The admin CLI's subcommands. Each takes the arguments after its name and
// returns the process exit code; errors are one line on stderr.
#pragma once

#include <cxxopts.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace td::cli {

using Args = std::vector<std::string>;

struct Command {
  std::string summary;
  std::function<int(const Args&)> run;
};

// Name -> command; each file of commands adds its own.
std::map<std::string, Command>& registry();
void register_queue_commands();
void register_audio_command();
void register_video_commands();

// The database URL from --database-url or DATABASE_URL.
std::string database_url_from(const std::string& flag);

// Parses a subcommand's arguments; arguments no option or positional takes
// are an error (std::invalid_argument), as are cxxopts' own parse errors.
cxxopts::ParseResult parse_args(cxxopts::Options& options, const std::string& command, const Args& args);

}  // namespace td::cli
