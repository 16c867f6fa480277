#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <system_error>

#include "common/process.h"

using namespace std::chrono_literals;

TEST_CASE("a program gets its stdin and its output is captured") {
  td::process::Options o;
  o.stdin_data = std::string(200000, 'x') + "\n";
  auto r = td::process::run({"wc", "-c"}, o);
  CHECK(r.ok());
  CHECK(std::stol(r.out) == 200001);
}

TEST_CASE("arguments are passed verbatim, never through a shell") {
  auto r = td::process::run({"printf", "%s", "$(echo pwned); rm -rf /"});
  CHECK(r.out == "$(echo pwned); rm -rf /");
}

TEST_CASE("a hanging program is killed at its deadline") {
  td::process::Options o;
  o.timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  auto r = td::process::run({"sh", "-c", "sleep 30 & sleep 30"}, o);
  CHECK(r.timed_out);
  CHECK_FALSE(r.ok());
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CHECK(r.describe().find("timed out") != std::string::npos);
}

TEST_CASE("output beyond the cap is cut, not buffered") {
  td::process::Options o;
  o.max_stdout = 1000;
  auto r = td::process::run({"head", "-c", "5000000", "/dev/zero"}, o);
  CHECK(r.out.size() == 1000);
  CHECK(r.stdout_truncated);
}

TEST_CASE("exit codes and stderr are reported; a missing program throws") {
  auto r = td::process::run({"sh", "-c", "echo 'ERROR: video unavailable' >&2; exit 1"});
  CHECK(r.exit_code == 1);
  CHECK(r.describe() == "exit 1: ERROR: video unavailable");
  CHECK_THROWS_AS(td::process::run({"/nonexistent/yt-dlp"}), std::system_error);
}

TEST_CASE("a program does not inherit the parent's descriptors beyond stdin, stdout and stderr") {
  int p[2];
  REQUIRE(pipe(p) == 0);
  // Well above what ls itself opens; no O_CLOEXEC, like a socket httplib opens.
  const int high = fcntl(p[1], F_DUPFD, 200);
  REQUIRE(high >= 200);
  auto r = td::process::run({"ls", "/proc/self/fd"});
  for (int fd : {p[0], p[1], high}) close(fd);
  REQUIRE(r.ok());
  CHECK(r.out.find("\n" + std::to_string(high) + "\n") == std::string::npos);
  CHECK(r.out.find("0\n1\n2\n") == 0);
}

TEST_CASE("a child's environment: given values replace inherited ones, the last one wins, a bare name removes") {
  setenv("TD_MERGE_INHERITED", "parent", 1);
  setenv("TD_MERGE_REMOVED", "parent", 1);
  td::process::Options o;
  o.extra_env = {"TD_MERGE_INHERITED=child", "TD_MERGE_NEW=", "TD_MERGE_NEW=second", "TD_MERGE_REMOVED"};
  auto r = td::process::run({"sh", "-c", "env | grep '^TD_MERGE_' | sort"}, o);
  CHECK(r.out == "TD_MERGE_INHERITED=child\nTD_MERGE_NEW=second\n");
  unsetenv("TD_MERGE_INHERITED");
  unsetenv("TD_MERGE_REMOVED");
}
