// Alerting settings, from the environment (README lists each with its
// default), and the receivers notifications go to.
//
//   ALERT_WEBHOOK_URL        unset   one or more URLs, comma-separated: each gets
//                                    the Alertmanager webhook payload (version 4)
//   ALERT_SLACK_WEBHOOK_URL  unset   a Slack incoming webhook (or Mattermost's,
//                                    or Discord's Slack-compatible endpoint)
//   ALERT_EVAL_INTERVAL      15s     how often the leading process evaluates
//   ALERT_REPEAT_INTERVAL    4h      a firing alert is notified again after it
//   ALERT_QUEUE_STALL        10m     QueueStalled's threshold
//   ALERT_INGEST_ERRORS      3       IngestHttpErrors' threshold
//   ALERT_WINDOW             10m     the window of IngestHttpErrors, JobsDead, ProviderFallbacks
//   ALERT_FALLBACKS          3       ProviderFallbacks' threshold
//   ALERT_SEND_TIMEOUT       10s     per notification request, as a whole
//   ALERT_SEND_ATTEMPTS      12      tries per notification before it is dead
//   ALERT_RETRY_BACKOFF      10s     the first retry's delay (doubling, up to 15m)
//   PUBLIC_BASE_URL          unset   the gateway's address as receivers should
//                                    link to it (externalURL, generatorURL)
//
// No URL set: alerts are still evaluated and shown (API, CLI, SSE), nothing
// is sent. A URL that is not http(s)://host... stops the service at start.
//
// URLs are secrets (a Slack webhook's path is its credential): nothing here
// or in what uses it prints one in full. A receiver is shown by its name and
// redacted URL ("webhook-2 (https://alerts.example.net/…)"), and jobs name it
// by its name and a digest of the URL, never the URL.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "alerts/rules.h"
#include "common/backoff.h"

namespace td::alerts {

struct Receiver {
  enum class Format { alertmanager, slack };
  std::string name;  // "webhook-1", "webhook-2", ..., "slack"
  Format format = Format::alertmanager;
  std::string url;

  // The first 12 hex digits of SHA-256 over the URL: which URL a queued
  // notification was meant for, without storing the URL.
  std::string digest() const;
  // "webhook-1 (https://hooks.example.com/…)": for logs and error lines.
  std::string display() const;
};

// "https://hooks.slack.com/…": scheme and host (and port) only; "(unreadable
// URL)" for anything that is not scheme://host.
std::string redact_url(const std::string& url);

struct Settings {
  std::vector<Receiver> receivers;
  std::chrono::milliseconds eval_interval{std::chrono::seconds(15)};
  std::chrono::milliseconds repeat_interval{std::chrono::hours(4)};
  Thresholds thresholds{};
  std::chrono::milliseconds send_timeout{std::chrono::seconds(10)};
  int send_attempts = 12;
  Backoff retry_backoff{std::chrono::seconds(10), std::chrono::minutes(15), 0.25};
  std::string external_url;  // PUBLIC_BASE_URL without a trailing slash; may be empty

  // Throws std::invalid_argument naming the variable for a malformed URL, a
  // bad duration or number (the service stops at start with that line).
  static Settings from_env();

  // The one line a service logs at start: receivers (redacted) and intervals.
  std::string describe() const;
};

}  // namespace td::alerts
