// Running an outside program (yt-dlp, apertium) safely: argv exec (never a
// shell), input on stdin, a deadline after which the whole process group is
// killed, and bounded capture of stdout/stderr so a runaway child cannot
// exhaust memory.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace td::process {

struct Options {
  std::string stdin_data;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  size_t max_stdout = 64 * 1024 * 1024;
  size_t max_stderr = 64 * 1024;
  std::vector<std::string> extra_env;  // "NAME=value" entries over the inherited environment (merge_environment)
};

struct Result {
  int exit_code = -1;      // valid when !signaled
  int signal = 0;          // the signal that ended it, if any
  bool timed_out = false;  // killed because the deadline passed
  bool stdout_truncated = false;
  std::string out;
  std::string err;
  bool ok() const { return !timed_out && signal == 0 && exit_code == 0; }
  // One line for logs and job errors: "exit 1: <last stderr line>", "timed out after 30s", ...
  std::string describe() const;
};

// Throws std::system_error when the program cannot be started at all
// (e.g. not found: errno ENOENT).
Result run(const std::vector<std::string>& argv, const Options& options = {});

// This process's environment with `extra` applied: "NAME=value" replaces
// any inherited NAME (so the child sees the given value, not whichever copy
// its getenv finds first), and a bare "NAME" removes it; of two entries
// for one name in `extra`, the later wins.
std::vector<std::string> merge_environment(const std::vector<std::string>& extra);

// For a forked child before exec: marks every descriptor from `first` up
// close-on-exec, so the program does not inherit the parent's sockets (an
// inherited client socket stays open after the parent closes it, and the
// peer never learns the connection is gone). Async-signal-safe.
void close_inherited_fds(int first);

}  // namespace td::process
