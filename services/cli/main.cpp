// tubedigest: the admin command line.
#include <cstdio>
#include <iostream>
#include <string>

#include <cxxopts.hpp>
#include <pqxx/pqxx>

#include "commands.h"
#include "common/log.h"
#include "common/quote.h"

namespace {

void usage() {
  std::cerr << "usage: tubedigest <command> [options]   (tubedigest <command> --help for its options)\n\ncommands:\n";
  for (const auto& [name, cmd] : td::cli::registry())
    std::fprintf(stderr, "  %-10s %s\n", name.c_str(), cmd.summary.c_str());
  std::cerr << "\nEvery command takes --database-url (default: $DATABASE_URL).\n";
}

}  // namespace

int main(int argc, char** argv) {
  td::log::init("tubedigest");
  td::cli::register_queue_commands();
  td::cli::register_audio_command();
  td::cli::register_video_commands();
  td::cli::register_reprocess_command();
  td::cli::register_delete_command();
  td::cli::register_alerts_command();
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    usage();
    return argc < 2 ? 2 : 0;
  }
  std::string name = argv[1];
  auto it = td::cli::registry().find(name);
  if (it == td::cli::registry().end()) {
    std::cerr << "tubedigest: unknown command '" << name << "'\n\n";
    usage();
    return 2;
  }
  try {
    return it->second.run(td::cli::Args(argv + 2, argv + argc));
  } catch (const cxxopts::exceptions::exception& e) {
    std::cerr << "tubedigest " << name << ": " << td::one_line(e.what()) << "\n";
    return 2;
  } catch (const pqxx::broken_connection& e) {
    std::cerr << "tubedigest " << name << ": cannot reach the database: " << td::one_line(e.what()) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tubedigest " << name << ": " << td::one_line(e.what()) << "\n";
    return 1;
  }
}
