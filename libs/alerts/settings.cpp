#include "alerts/settings.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "common/env.h"
#include "common/hash.h"
#include "common/quote.h"

namespace td::alerts {

namespace {

// scheme://authority, where scheme is http or https and authority holds a
// host; the rest (path, query) is the secret part. nullopt otherwise.
std::optional<std::string> origin_of(const std::string& url) {
  auto sep = url.find("://");
  if (sep == std::string::npos) return std::nullopt;
  std::string scheme = url.substr(0, sep);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  auto rest = url.substr(sep + 3);
  auto end = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, end);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);  // user info
  if (authority.empty() || authority[0] == ':') return std::nullopt;
  for (unsigned char c : authority)
    if (c <= ' ' || c >= 0x7f) return std::nullopt;
  return scheme + "://" + authority;
}

void check_url(const char* variable, const std::string& url, size_t position, size_t count) {
  std::string where = std::string(variable) + (count > 1 ? " entry " + std::to_string(position) : "");
  if (!origin_of(url)) throw std::invalid_argument(where + " is not an http:// or https:// URL with a host");
  for (unsigned char c : url)
    if (c <= ' ' || c >= 0x7f)
      throw std::invalid_argument(where + " holds a space or control character (" + redact_url(url) + ")");
}

std::chrono::seconds whole_seconds(const char* variable, std::chrono::seconds fallback) {
  auto d = env::get_duration(variable, fallback);
  if (d < std::chrono::seconds(1)) throw std::invalid_argument(std::string(variable) + " must be at least 1s");
  return std::chrono::duration_cast<std::chrono::seconds>(d);
}

}  // namespace

std::string Receiver::digest() const { return sha256_hex(url).substr(0, 12); }

std::string Receiver::display() const { return name + " (" + redact_url(url) + ")"; }

std::string redact_url(const std::string& url) {
  auto origin = origin_of(url);
  if (!origin) return "(unreadable URL)";
  return *origin + "/…";
}

Settings Settings::from_env() {
  Settings s;
  if (auto list = env::get("ALERT_WEBHOOK_URL")) {
    std::vector<std::string> urls;
    size_t start = 0;
    while (true) {
      auto comma = list->find(',', start);
      urls.push_back(trim(list->substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    for (size_t i = 0; i < urls.size(); ++i) {
      if (urls[i].empty()) continue;  // "a,,b" or a trailing comma
      check_url("ALERT_WEBHOOK_URL", urls[i], i + 1, urls.size());
      s.receivers.push_back(
          {"webhook-" + std::to_string(s.receivers.size() + 1), Receiver::Format::alertmanager, urls[i]});
    }
  }
  if (auto url = env::get("ALERT_SLACK_WEBHOOK_URL")) {
    auto u = trim(*url);
    check_url("ALERT_SLACK_WEBHOOK_URL", u, 1, 1);
    s.receivers.push_back({"slack", Receiver::Format::slack, u});
  }
  s.eval_interval = env::get_duration("ALERT_EVAL_INTERVAL", s.eval_interval);
  if (s.eval_interval < std::chrono::milliseconds(100))
    throw std::invalid_argument("ALERT_EVAL_INTERVAL must be at least 100ms");
  s.repeat_interval = env::get_duration("ALERT_REPEAT_INTERVAL", s.repeat_interval);
  if (s.repeat_interval < std::chrono::seconds(1))
    throw std::invalid_argument("ALERT_REPEAT_INTERVAL must be at least 1s");
  s.thresholds.queue_stall = whole_seconds("ALERT_QUEUE_STALL", s.thresholds.queue_stall);
  s.thresholds.window = whole_seconds("ALERT_WINDOW", s.thresholds.window);
  auto errors = env::get_long("ALERT_INGEST_ERRORS", s.thresholds.ingest_errors);
  if (errors < 1 || errors > 1'000'000) throw std::invalid_argument("ALERT_INGEST_ERRORS must be 1 .. 1000000");
  s.thresholds.ingest_errors = static_cast<int>(errors);
  auto fallbacks = env::get_long("ALERT_FALLBACKS", s.thresholds.fallbacks);
  if (fallbacks < 1 || fallbacks > 1'000'000) throw std::invalid_argument("ALERT_FALLBACKS must be 1 .. 1000000");
  s.thresholds.fallbacks = static_cast<int>(fallbacks);
  s.send_timeout = env::get_duration("ALERT_SEND_TIMEOUT", s.send_timeout);
  if (s.send_timeout < std::chrono::milliseconds(100))
    throw std::invalid_argument("ALERT_SEND_TIMEOUT must be at least 100ms");
  auto attempts = env::get_long("ALERT_SEND_ATTEMPTS", s.send_attempts);
  if (attempts < 1 || attempts > 100) throw std::invalid_argument("ALERT_SEND_ATTEMPTS must be 1 .. 100");
  s.send_attempts = static_cast<int>(attempts);
  s.retry_backoff.base = env::get_duration("ALERT_RETRY_BACKOFF", s.retry_backoff.base);
  if (s.retry_backoff.base < std::chrono::milliseconds(10))
    throw std::invalid_argument("ALERT_RETRY_BACKOFF must be at least 10ms");
  s.retry_backoff.cap = std::max(s.retry_backoff.cap, s.retry_backoff.base);
  if (auto base = env::get("PUBLIC_BASE_URL")) {
    auto u = trim(*base);
    if (!origin_of(u)) throw std::invalid_argument("PUBLIC_BASE_URL is not an http:// or https:// URL with a host");
    while (!u.empty() && u.back() == '/') u.pop_back();
    s.external_url = u;
  }
  return s;
}

std::string Settings::describe() const {
  std::string out = "alerts: evaluated every " + env::format_duration(eval_interval) + ", repeated every " +
                    env::format_duration(repeat_interval) + "; ";
  if (receivers.empty())
    return out + "no receivers (ALERT_WEBHOOK_URL, ALERT_SLACK_WEBHOOK_URL unset): nothing is sent";
  out += "sent to ";
  for (size_t i = 0; i < receivers.size(); ++i) out += (i ? ", " : "") + receivers[i].display();
  return out;
}

}  // namespace td::alerts
