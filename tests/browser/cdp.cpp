#include "cdp.h"

#include "common/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace td::test {

namespace {
constexpr auto kCallTimeout = std::chrono::seconds(20);
}

Chromium::Chromium() {
  const char* bin = std::getenv("TUBEDIGEST_CHROMIUM");
  const std::string browser = bin && *bin ? bin : "chromium";
  char tmpl[] = "/tmp/td-chromium-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  profile_ = tmpl;

  int in[2], out[2];  // in: we write, browser reads fd 3; out: browser writes fd 4
  if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in[0], 3);
    dup2(out[1], 4);
    for (int fd : {in[0], in[1], out[0], out[1]})
      if (fd > 4) close(fd);
    // Nothing else of the test's: an inherited client socket would stay open
    // after the test closes it, and the server would never see it go.
    td::process::close_inherited_fds(5);
    int null = ::open("/dev/null", O_RDWR);
    dup2(null, 1);
    dup2(null, 2);
    const std::string profile = "--user-data-dir=" + profile_;
    // --no-sandbox: tests run as root in CI, where Chromium's sandbox refuses to start.
    std::vector<const char*> argv{browser.c_str(),
                                  "--headless=new",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--no-first-run",
                                  "--disable-extensions",
                                  "--disable-dev-shm-usage",
                                  "--remote-debugging-pipe",
                                  profile.c_str(),
                                  "about:blank",
                                  nullptr};
    execvp(argv[0], const_cast<char* const*>(argv.data()));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  to_browser_ = in[1];
  from_browser_ = out[0];
  // The first answer also proves the browser started.
  try {
    call("Browser.getVersion", nlohmann::json::object());
  } catch (const std::exception& e) {
    throw std::runtime_error("could not start " + browser + " (scripts/deps.sh --test installs chromium): " + e.what());
  }
}

Chromium::~Chromium() {
  if (to_browser_ >= 0) close(to_browser_);
  if (from_browser_ >= 0) close(from_browser_);
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i) usleep(100'000);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(profile_, ec);
}

nlohmann::json Chromium::call(const std::string& method, nlohmann::json params, const std::string& session) {
  const int id = ++next_id_;
  nlohmann::json msg{{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (!session.empty()) msg["sessionId"] = session;
  std::string bytes = msg.dump();
  bytes.push_back('\0');
  for (size_t off = 0; off < bytes.size();) {
    ssize_t n = write(to_browser_, bytes.data() + off, bytes.size() - off);
    if (n <= 0) throw std::runtime_error("browser pipe closed");
    off += static_cast<size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + kCallTimeout;
  for (;;) {
    // Answers and events arrive NUL-terminated; events (no id) are skipped.
    for (size_t nul; (nul = buffered_.find('\0')) != std::string::npos;) {
      auto reply = nlohmann::json::parse(buffered_.substr(0, nul), nullptr, false);
      buffered_.erase(0, nul + 1);
      if (!reply.is_object() || reply.value("id", -1) != id) continue;
      if (reply.contains("error")) throw std::runtime_error(method + ": " + reply["error"].dump());
      return reply["result"];
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error(method + ": no answer from the browser");
    pollfd p{from_browser_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[65536];
    ssize_t n = read(from_browser_, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error(method + ": the browser exited");
    buffered_.append(buf, static_cast<size_t>(n));
  }
}

std::string Chromium::open(const std::string& url) {
  auto target = call("Target.createTarget", {{"url", url}});
  auto attached = call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}});
  return attached["sessionId"].get<std::string>();
}

nlohmann::json Chromium::eval(const std::string& session, const std::string& expression) {
  auto r = call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}}, session);
  if (r.contains("exceptionDetails")) throw std::runtime_error("page script failed: " + r["exceptionDetails"].dump());
  return r["result"].value("value", nlohmann::json());
}

}  // namespace td::test
