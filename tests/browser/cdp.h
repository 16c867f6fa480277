// A headless Chromium driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ending in NUL on fds 3 and 4), so a
// test can load a page and read its DOM with no WebSocket client and no
// network beyond loopback. The browser is Debian's `chromium`
// (scripts/deps.sh --test installs it); TUBEDIGEST_CHROMIUM names another.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace td::test {

class Chromium {
 public:
  // Starts the browser with a throwaway profile. Throws std::runtime_error
  // when it cannot be started.
  Chromium();
  ~Chromium();
  Chromium(const Chromium&) = delete;
  Chromium& operator=(const Chromium&) = delete;

  // Opens a tab on `url`; returns the session to evaluate in.
  std::string open(const std::string& url);
  // The value of a JavaScript expression in that tab (returnByValue).
  nlohmann::json eval(const std::string& session, const std::string& expression);

 private:
  nlohmann::json call(const std::string& method, nlohmann::json params, const std::string& session = "");

  pid_t pid_ = -1;
  int to_browser_ = -1, from_browser_ = -1;
  int next_id_ = 0;
  std::string profile_, buffered_;
};

}  // namespace td::test
