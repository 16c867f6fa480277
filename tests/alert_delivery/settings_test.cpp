// ALERT_* settings from the environment, and what a receiver's URL looks like
// wherever it is shown.
#include <cstdlib>
#include <map>
#include <optional>

#include <doctest/doctest.h>

#include "alerts/settings.h"

using namespace std::chrono_literals;
using td::alerts::Settings;

namespace {

// Sets variables for one test and puts the old values back.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, std::string>& vars) {
    for (const char* name : kAll) {
      const char* old = std::getenv(name);
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      unsetenv(name);
    }
    for (const auto& [k, v] : vars) setenv(k.c_str(), v.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [k, v] : saved_) v ? setenv(k.c_str(), v->c_str(), 1) : unsetenv(k.c_str());
  }

 private:
  static constexpr const char* kAll[] = {
      "ALERT_WEBHOOK_URL",  "ALERT_SLACK_WEBHOOK_URL", "ALERT_EVAL_INTERVAL", "ALERT_REPEAT_INTERVAL",
      "ALERT_QUEUE_STALL",  "ALERT_INGEST_ERRORS",     "ALERT_FALLBACKS",     "ALERT_WINDOW",
      "ALERT_SEND_TIMEOUT", "ALERT_SEND_ATTEMPTS",     "ALERT_RETRY_BACKOFF", "PUBLIC_BASE_URL"};
  std::map<std::string, std::optional<std::string>> saved_;
};

std::string error_of(const std::map<std::string, std::string>& vars) {
  ScopedEnv env(vars);
  try {
    Settings::from_env();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("Settings: defaults with nothing set; nothing to send to") {
  ScopedEnv env({});
  auto s = Settings::from_env();
  CHECK(s.receivers.empty());
  CHECK(s.eval_interval == 15s);
  CHECK(s.repeat_interval == 4h);
  CHECK(s.thresholds.queue_stall == 10min);
  CHECK(s.thresholds.ingest_errors == 3);
  CHECK(s.thresholds.window == 10min);
  CHECK(s.thresholds.fallbacks == 3);
  CHECK(s.send_attempts == 12);
  CHECK(s.external_url.empty());
  CHECK(s.describe().find("nothing is sent") != std::string::npos);
}

TEST_CASE("Settings: thresholds, intervals and receivers from the environment") {
  ScopedEnv env({{"ALERT_WEBHOOK_URL", " https://am.example.net/api/v2/hook/s3cr3t , http://10.0.0.5:9095/x,"},
                 {"ALERT_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/XXXXSECRET"},
                 {"ALERT_EVAL_INTERVAL", "2s"},
                 {"ALERT_REPEAT_INTERVAL", "30m"},
                 {"ALERT_QUEUE_STALL", "90s"},
                 {"ALERT_INGEST_ERRORS", "7"},
                 {"ALERT_WINDOW", "1h"},
                 {"ALERT_FALLBACKS", "5"},
                 {"ALERT_SEND_TIMEOUT", "3s"},
                 {"ALERT_SEND_ATTEMPTS", "4"},
                 {"ALERT_RETRY_BACKOFF", "250ms"},
                 {"PUBLIC_BASE_URL", "https://nas.local:6452/"}});
  auto s = Settings::from_env();
  REQUIRE(s.receivers.size() == 3);
  CHECK(s.receivers[0].name == "webhook-1");
  CHECK(s.receivers[0].url == "https://am.example.net/api/v2/hook/s3cr3t");
  CHECK(s.receivers[1].name == "webhook-2");
  CHECK(s.receivers[1].url == "http://10.0.0.5:9095/x");
  CHECK(s.receivers[2].name == "slack");
  CHECK(s.receivers[2].format == td::alerts::Receiver::Format::slack);
  CHECK(s.eval_interval == 2s);
  CHECK(s.repeat_interval == 30min);
  CHECK(s.thresholds.queue_stall == 90s);
  CHECK(s.thresholds.ingest_errors == 7);
  CHECK(s.thresholds.window == 1h);
  CHECK(s.thresholds.fallbacks == 5);
  CHECK(s.send_timeout == 3s);
  CHECK(s.send_attempts == 4);
  CHECK(s.retry_backoff.base == 250ms);
  CHECK(s.external_url == "https://nas.local:6452");

  // Shown, the receivers keep their host and lose their secret part.
  auto line = s.describe();
  CHECK(line.find("webhook-1 (https://am.example.net/…)") != std::string::npos);
  CHECK(line.find("slack (https://hooks.slack.com/…)") != std::string::npos);
  CHECK(line.find("s3cr3t") == std::string::npos);
  CHECK(line.find("SECRET") == std::string::npos);
  CHECK(s.receivers[0].digest().size() == 12);
  CHECK(s.receivers[0].digest() != s.receivers[1].digest());
}

TEST_CASE("Settings: a malformed URL or value stops the start with a clear line that does not repeat the secret") {
  auto e = error_of({{"ALERT_WEBHOOK_URL", "hooks.example.com/T0/SECRETPATH"}});
  CHECK(e.find("ALERT_WEBHOOK_URL") != std::string::npos);
  CHECK(e.find("http") != std::string::npos);
  CHECK(e.find("SECRETPATH") == std::string::npos);

  e = error_of({{"ALERT_WEBHOOK_URL", "https://ok.example/a,ftp://files.example/SECRETPATH"}});
  CHECK(e.find("ALERT_WEBHOOK_URL entry 2") != std::string::npos);
  CHECK(e.find("SECRETPATH") == std::string::npos);

  e = error_of({{"ALERT_SLACK_WEBHOOK_URL", "https:///services/SECRETPATH"}});
  CHECK(e.find("ALERT_SLACK_WEBHOOK_URL") != std::string::npos);
  CHECK(e.find("SECRETPATH") == std::string::npos);

  e = error_of({{"ALERT_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/SECRET PATH"}});
  CHECK(e.find("space or control character") != std::string::npos);
  CHECK(e.find("SECRET") == std::string::npos);

  CHECK(error_of({{"ALERT_EVAL_INTERVAL", "soon"}}).find("ALERT_EVAL_INTERVAL") != std::string::npos);
  CHECK(error_of({{"ALERT_QUEUE_STALL", "500ms"}}).find("ALERT_QUEUE_STALL must be at least 1s") != std::string::npos);
  CHECK(error_of({{"ALERT_INGEST_ERRORS", "0"}}).find("ALERT_INGEST_ERRORS") != std::string::npos);
  CHECK(error_of({{"ALERT_INGEST_ERRORS", "three"}}).find("ALERT_INGEST_ERRORS") != std::string::npos);
  CHECK(error_of({{"ALERT_SEND_ATTEMPTS", "0"}}).find("ALERT_SEND_ATTEMPTS") != std::string::npos);
  CHECK(error_of({{"PUBLIC_BASE_URL", "nas.local"}}).find("PUBLIC_BASE_URL") != std::string::npos);
}

TEST_CASE("redact_url: scheme and host only") {
  CHECK(td::alerts::redact_url("https://user:pw@hooks.slack.com/services/A/B/C?x=1") == "https://hooks.slack.com/…");
  CHECK(td::alerts::redact_url("http://127.0.0.1:9000/hook") == "http://127.0.0.1:9000/…");
  CHECK(td::alerts::redact_url("not a url") == "(unreadable URL)");
}
