// Shared by the queue and worker tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace td::test {

// A connection to a migrated database, with every named statement of
// libs/store (and the queue, events and metrics) prepared.
std::unique_ptr<pqxx::connection> migrated_connection(const std::string& url);

// The shared metrics (libs/metrics) as every replica sees them.
int64_t counter(pqxx::connection& c, const std::string& name);
int64_t histogram_count(pqxx::connection& c, const std::string& name);

// A TCP connection to 127.0.0.1:port (a doctest failure when refused), for
// tests that speak raw bytes.
int connect_loopback(int port);

// The lines of the README.md table whose header line starts with
// `header_prefix` (the header itself left out, the |---| line kept), read
// from TUBEDIGEST_SOURCE_DIR; a doctest failure when the file is missing.
std::vector<std::string> readme_table(const std::string& header_prefix);

// Polls `cond` every 10 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

// A child process started with argv (no shell); killed on destruction.
// It inherits this process's environment, with `env` ("NAME=value")
// replacing entries of the same name; a bare "NAME" removes NAME.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~ChildProcess();
  pid_t pid() const { return pid_; }
  void kill(int sig);
  // Waits for exit; returns the exit status as waitpid reports it.
  int wait();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

}  // namespace td::test
