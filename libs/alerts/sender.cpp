#include "alerts/sender.h"

#include <nlohmann/json.hpp>

#include "alerts/notify.h"
#include "common/errors.h"
#include "common/http_client.h"
#include "common/log.h"
#include "metrics/metrics.h"

namespace td::alerts {

namespace {

constexpr const char* kCounter = "alert_notifications";

bool refused_for_good(int status) {
  return status >= 400 && status < 500 && status != 408 && status != 425 && status != 429;
}

std::string receiver_of(const queue::Job& job) {
  try {
    return nlohmann::json::parse(job.payload).value("receiver", "unknown");
  } catch (const std::exception&) {
    return "unknown";
  }
}

// "HTTP 503 from webhook-1 (https://alerts.example.net/…): <first 200 bytes>"
// or "timed out after 10 s sending to webhook-1 (...)".
std::string describe(const http::Response& r, const Receiver& to) {
  if (r.status == 0) {
    std::string why = r.failure == http::Failure::timeout           ? "timed out"
                      : r.failure == http::Failure::connect         ? "could not connect"
                      : r.failure == http::Failure::tls             ? "TLS failed"
                      : r.failure == http::Failure::connection_lost ? "connection lost"
                                                                    : "no answer";
    return why + " sending to " + to.display();
  }
  std::string body = r.body.substr(0, 200);
  return "HTTP " + std::to_string(r.status) + " from " + to.display() + (body.empty() ? "" : ": " + body);
}

}  // namespace

Sender::Sender(Settings settings) : settings_(std::move(settings)) {}

void Sender::operator()(worker::JobContext& ctx) const {
  const auto& p = ctx.payload();
  const std::string digest = p.value("receiver_digest", "");
  const std::string name = p.value("receiver", "?");
  if (!p.contains("body") || !p["body"].is_object() || digest.empty())
    throw PermanentError("bad_payload", "a notification needs receiver_digest and body");

  const Receiver* to = nullptr;
  for (const auto& r : settings_.receivers)
    if (r.digest() == digest) to = &r;
  if (!to)
    throw TransientError("alert_receiver_unknown",
                         "receiver " + name +
                             " is not configured in this process (set the same ALERT_* settings on "
                             "every service)");

  if (ctx.job().subject) {
    pqxx::work tx(ctx.conn());
    auto earlier = earlier_pending(tx, *ctx.job().subject, ctx.job().id);
    tx.commit();
    if (earlier) {
      auto until = std::max(*earlier, std::chrono::system_clock::now()) + std::chrono::seconds(1);
      throw worker::RetryLater(until, "an earlier notification of this alert to " + name + " is still pending");
    }
  }

  http::Request req;
  req.method = "POST";
  req.url = to->url;
  req.body = p["body"].dump();
  req.headers["User-Agent"] = "tubedigest-alerts";
  req.timeout = settings_.send_timeout;
  req.connect_timeout = std::min(settings_.send_timeout, req.connect_timeout);
  req.max_body = 1024 * 1024;  // a receiver's answer is only read for its status and first bytes
  auto r = http::send(req);
  if (r.status >= 200 && r.status < 300) {
    pqxx::work tx(ctx.conn());
    metrics::increment(tx, kCounter, metrics::Labels{{"receiver", name}, {"result", "sent"}});
    ctx.complete_in(tx);
    tx.commit();
    spdlog::info("alert notification sent: {} {} to {}", p.value("status", ""), p.value("fingerprint", ""),
                 to->display());
    return;
  }
  if (refused_for_good(r.status)) throw PermanentError("alert_rejected", describe(r, *to));
  throw TransientError("alert_send_failed", describe(r, *to));
}

void Sender::count_failure(pqxx::transaction_base& tx, const queue::Job& job, const worker::Failure& f) {
  metrics::increment(tx, kCounter,
                     metrics::Labels{{"receiver", receiver_of(job)}, {"result", f.gave_up ? "dead" : "failed"}});
}

}  // namespace td::alerts
