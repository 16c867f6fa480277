// The admin CLI's subcommands. Each takes the arguments after its name and
// returns the process exit code; errors are one line on stderr.
#pragma once

#include <cxxopts.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

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
void register_reprocess_command();
void register_delete_command();
void register_alerts_command();

// The database URL from --database-url or DATABASE_URL.
std::string database_url_from(const std::string& flag);

// Parses a subcommand's arguments; arguments no option or positional takes
// are an error (std::invalid_argument), as are cxxopts' own parse errors.
cxxopts::ParseResult parse_args(cxxopts::Options& options, const std::string& command, const Args& args);

// The positional video argument of report, reprocess, delete: add it to the
// options, then read it back as the canonical "yt:<id>" (any link form;
// missing or not a video: std::invalid_argument naming the command).
void add_video_argument(cxxopts::Options& options);
std::string video_argument(const cxxopts::ParseResult& r, const std::string& command);

// A connection to --database-url (or DATABASE_URL) with the store's statements prepared.
std::unique_ptr<pqxx::connection> open_store(const std::string& database_url_flag);

}  // namespace td::cli
