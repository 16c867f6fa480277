#include "common/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>

extern char** environ;

namespace td::process {

namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  }
  ~Pipe() { close_both(); }
  void close_read() {
    if (fd[0] >= 0) {
      ::close(fd[0]);
      fd[0] = -1;
    }
  }
  void close_write() {
    if (fd[1] >= 0) {
      ::close(fd[1]);
      fd[1] = -1;
    }
  }
  void close_both() {
    close_read();
    close_write();
  }
};

std::string last_line(const std::string& s) {
  auto end = s.find_last_not_of(" \r\n\t");
  if (end == std::string::npos) return "";
  auto start = s.find_last_of('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return s.substr(start, std::min<size_t>(end - start + 1, 300));
}

}  // namespace

std::string Result::describe() const {
  if (timed_out) return "timed out and was killed";
  std::string what = signal ? "killed by signal " + std::to_string(signal) : "exit " + std::to_string(exit_code);
  auto line = last_line(err);
  return line.empty() ? what : what + ": " + line;
}

void close_inherited_fds(int first) {
#ifdef CLOSE_RANGE_CLOEXEC
  if (close_range(static_cast<unsigned>(first), ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
  // Older kernels: one fcntl per possible descriptor.
  const long max = sysconf(_SC_OPEN_MAX);
  for (long fd = first; fd < (max > 0 && max < 1 << 20 ? max : 1 << 16); ++fd)
    fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
}

std::vector<std::string> merge_environment(const std::vector<std::string>& extra) {
  auto name_of = [](const std::string& e) { return e.substr(0, e.find('=')); };
  std::vector<std::string> out;
  std::map<std::string, size_t> at;  // name -> index in out
  auto apply = [&](const std::string& e) {
    std::string name = name_of(e);
    bool remove = e.find('=') == std::string::npos;
    auto it = at.find(name);
    if (it != at.end()) {
      out[it->second] = remove ? std::string() : e;  // "" marks a removed entry
    } else if (!remove) {
      at[name] = out.size();
      out.push_back(e);
    }
  };
  for (char** e = environ; *e; ++e) apply(*e);
  for (const auto& e : extra) apply(e);  // later entries win
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

Result run(const std::vector<std::string>& argv, const Options& options) {
  if (argv.empty()) throw std::invalid_argument("process::run: empty argv");
  // A child that exits without reading its stdin must not kill us with SIGPIPE.
  static const bool sigpipe_ignored = [] {
    signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)sigpipe_ignored;
  Pipe in, out, err, exec_status;

  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_store;
  std::vector<char*> envp;
  if (!options.extra_env.empty()) {
    env_store = merge_environment(options.extra_env);
    for (auto& e : env_store) envp.push_back(e.data());
    envp.push_back(nullptr);
  }

  pid_t pid = fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    setpgid(0, 0);  // own group, so a timeout kills grandchildren too
    dup2(in.fd[0], 0);
    dup2(out.fd[1], 1);
    dup2(err.fd[1], 2);
    close_inherited_fds(3);  // exec_status too: it is close-on-exec already
    if (!options.extra_env.empty()) environ = envp.data();
    execvp(args[0], args.data());
    int e = errno;
    ssize_t ignored = write(exec_status.fd[1], &e, sizeof e);
    (void)ignored;
    _exit(127);
  }
  setpgid(pid, pid);
  in.close_read();
  out.close_write();
  err.close_write();
  exec_status.close_write();

  int exec_errno = 0;
  if (read(exec_status.fd[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    waitpid(pid, nullptr, 0);
    throw std::system_error(exec_errno, std::generic_category(), "cannot run " + argv[0]);
  }

  Result r;
  fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  size_t written = 0;
  if (options.stdin_data.empty()) in.close_write();
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  char buf[65536];
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    pollfd fds[3];
    int n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out.fd[0] >= 0) {
      out_i = n;
      fds[n++] = {out.fd[0], POLLIN, 0};
    }
    if (err.fd[0] >= 0) {
      err_i = n;
      fds[n++] = {err.fd[0], POLLIN, 0};
    }
    if (in.fd[1] >= 0) {
      in_i = n;
      fds[n++] = {in.fd[1], POLLOUT, 0};
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      break;
    }
    int rc = poll(fds, n, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (rc < 0 && errno != EINTR) break;
    if (rc <= 0) continue;
    auto drain = [&](int i, Pipe& p, std::string& into, size_t cap, bool* truncated) {
      if (i < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t got = read(p.fd[0], buf, sizeof buf);
      if (got <= 0) {
        p.close_read();
        return;
      }
      size_t room = into.size() < cap ? cap - into.size() : 0;
      into.append(buf, std::min<size_t>(room, static_cast<size_t>(got)));
      if (static_cast<size_t>(got) > room && truncated) *truncated = true;
    };
    drain(out_i, out, r.out, options.max_stdout, &r.stdout_truncated);
    drain(err_i, err, r.err, options.max_stderr, nullptr);
    if (in_i >= 0 && (fds[in_i].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(in.fd[1], options.stdin_data.data() + written, options.stdin_data.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN) in.close_write();  // the child closed its stdin: stop feeding it
      if (written >= options.stdin_data.size()) in.close_write();
    }
  }
  if (r.timed_out) kill(-pid, SIGKILL);
  in.close_write();
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  else if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

}  // namespace td::process
