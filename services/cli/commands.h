// The admin CLI's subcommands. Each takes the arguments after its name and
// returns the process exit code; errors are one line on stderr.
#pragma once

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

// argv for cxxopts: program name followed by the arguments.
std::vector<char*> to_argv(const std::string& program, const Args& args, std::vector<std::string>& storage);

}  // namespace td::cli
