#include "support/helpers.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "catalog/catalog.h"
#include "common/process.h"
#include "db/migrate.h"
#include "metrics/metrics.h"

extern char** environ;

namespace td::test {

std::unique_ptr<pqxx::connection> migrated_connection(const std::string& url) {
  auto conn = std::make_unique<pqxx::connection>(url);
  db::migrate(*conn);
  catalog::prepare(*conn);  // the store's statements, with the queue's, events' and metrics'

  return conn;
}

int64_t counter(pqxx::connection& c, const std::string& name) {
  pqxx::read_transaction tx(c);
  return td::metrics::snapshot(tx).counter(name);
}

int64_t histogram_count(pqxx::connection& c, const std::string& name) {
  pqxx::read_transaction tx(c);
  auto s = td::metrics::snapshot(tx);
  auto it = s.histograms.find(name);
  return it == s.histograms.end() ? 0 : it->second.count;
}

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  std::vector<std::string> env_store = td::process::merge_environment(env);
  std::vector<char*> envp, args;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_store = argv;
  for (auto& a : argv_store) args.push_back(a.data());
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    wait();
  }
}

void ChildProcess::kill(int sig) { ::kill(pid_, sig); }

int ChildProcess::wait() {
  int status = 0;
  if (reaped_) return status;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  return status;
}

std::vector<std::string> readme_table(const std::string& header_prefix) {
  const char* src = std::getenv("TUBEDIGEST_SOURCE_DIR");
  REQUIRE(src != nullptr);
  std::ifstream in(std::string(src) + "/README.md");
  REQUIRE(in.good());
  std::vector<std::string> rows;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(header_prefix, 0) == 0) in_table = true;
    else if (in_table && line.rfind("|", 0) != 0) break;
    else if (in_table) rows.push_back(line);
  }
  return rows;
}

}  // namespace td::test
