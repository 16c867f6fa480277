// tubedigest: the admin command line.
#include <cstdio>
#include <iostream>
#include <string>

#include <cxxopts.hpp>
#include <pqxx/pqxx>

#include "commands.h"
#include "common/log.h"

namespace {

void usage() {
  std::cerr << "usage: tubedigest <command> [options]   (tubedigest <command> --help for its options)\n\ncommands:\n";
  for (const auto& [name, cmd] : td::cli::registry()) std::fprintf(stderr, "  %-10s %s\n", name.c_str(), cmd.summary.c_str());
  std::cerr << "\nEvery command takes --database-url (default: $DATABASE_URL).\n";
}

// One line for the terminal: libpq's messages run over several lines (a
// "\tIs the server running...?" hint, "DETAIL:", "HINT:"); each piece is
// trimmed and they are joined with "; ".
std::string one_line(const std::string& message) {
  std::string out;
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    std::string line = message.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t a = line.find_first_not_of(" \t\r");
    size_t b = line.find_last_not_of(" \t\r");
    if (a != std::string::npos) out += (out.empty() ? "" : "; ") + line.substr(a, b - a + 1);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  td::log::init("tubedigest");
  td::cli::register_queue_commands();
  td::cli::register_audio_command();
  td::cli::register_video_commands();
  td::cli::register_reprocess_command();
  td::cli::register_delete_command();
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
    std::cerr << "tubedigest " << name << ": " << one_line(e.what()) << "\n";
    return 2;
  } catch (const pqxx::broken_connection& e) {
    std::cerr << "tubedigest " << name << ": cannot reach the database: " << one_line(e.what()) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tubedigest " << name << ": " << one_line(e.what()) << "\n";
    return 1;
  }
}
