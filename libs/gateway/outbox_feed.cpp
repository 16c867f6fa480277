#include "gateway/outbox_feed.h"

#include <spdlog/spdlog.h>

#include "catalog/catalog.h"
#include "common/backoff.h"
#include "db/connection.h"
#include "db/notifier.h"
#include "gateway/db_pool.h"
#include "httpserve/request_counts.h"
#include "metrics/metrics.h"

namespace td::gateway {

OutboxFeed::OutboxFeed(FeedOptions options, sse::Broker& broker, ConnectionPool& pool, Invalidate invalidate,
                       httpserve::RequestCounts* requests)
    : opt_(std::move(options)), broker_(broker), pool_(pool), invalidate_(std::move(invalidate)), requests_(requests) {}

OutboxFeed::~OutboxFeed() { stop(); }

sse::Event OutboxFeed::to_sse(const events::Event& e) {
  sse::Event out;
  out.id = e.id;
  out.type = e.type;
  out.video_id = e.video_id.value_or("");
  out.data = e.data;
  out.at = e.at;
  return out;
}

bool OutboxFeed::connect() {
  try {
    conn_ = db::connect(opt_.database_url);
    catalog::prepare(*conn_);  // the outbox reader's, and write_metrics()'s
    if (!positioned_) {
      cursor_ = reader_.refresh_settled(*conn_);
      positioned_ = true;
      broker_.start_after(cursor_);
      spdlog::info("gateway: outbox reader starts after event {}", cursor_.load());
    }
    return true;
  } catch (const std::exception& e) {
    conn_.reset();
    spdlog::warn("gateway: outbox reader cannot connect: {}", e.what());
    return false;
  }
}

void OutboxFeed::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  connect();
  notifier_ = std::make_unique<db::Notifier>(opt_.database_url, std::vector<std::string>{events::kChannel});
  notifier_->start();
  thread_ = std::thread([this] { run(); });
}

void OutboxFeed::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  if (notifier_) notifier_->wake();
  thread_.join();
  if (notifier_) notifier_->stop();
  notifier_.reset();
  conn_.reset();
  write_metrics(nullptr, true);
}

void OutboxFeed::deliver(std::vector<events::Event>& evs) {
  std::vector<sse::Event> out;
  out.reserve(evs.size());
  for (const auto& e : evs) {
    if (e.video_id) invalidate_(*e.video_id);
    out.push_back(to_sse(e));
  }
  broker_.publish(std::move(out));
}

void OutboxFeed::run() {
  Backoff backoff{std::chrono::milliseconds(200), std::chrono::seconds(5), 0.3};
  int failures = 0;
  auto next_metrics = std::chrono::steady_clock::now() + opt_.metrics_interval;
  while (!stopping_) {
    uint64_t seen = notifier_->sequence();
    bool more = false;
    if (!conn_ && !connect()) {
      notifier_->wait_for_change(seen, backoff.delay(++failures));
      continue;
    }
    try {
      auto evs = reader_.read_after(*conn_, cursor_, opt_.page);
      if (!evs.empty()) {
        cursor_ = evs.back().id;
        more = evs.size() >= opt_.page;
        deliver(evs);
      }
      failures = 0;
    } catch (const std::exception& e) {
      if (db::is_connection_error(e) || !conn_->is_open()) {
        spdlog::warn("gateway: outbox reader lost its connection: {}", e.what());
        conn_.reset();
      } else {
        spdlog::error("gateway: outbox read failed after id={}: {}", cursor_.load(), e.what());
      }
      notifier_->wait_for_change(seen, backoff.delay(++failures));
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= next_metrics) {
      write_metrics(conn_.get());
      next_metrics = now + opt_.metrics_interval;
    }
    if (more) continue;
    auto until_metrics = std::chrono::duration_cast<std::chrono::milliseconds>(next_metrics - now);
    notifier_->wait_for_change(seen, std::max(std::chrono::milliseconds(1), std::min(opt_.poll, until_metrics)));
  }
}

bool OutboxFeed::write_metrics(pqxx::connection* own, bool final) {
  std::lock_guard lk(metrics_mu_);
  auto now = broker_.counters();
  const double current = final ? 0.0 : static_cast<double>(now.clients_current);
  // Taken once: the pool may run `write` again on a fresh connection.
  const auto requests = requests_ ? requests_->take() : httpserve::RequestCounts::Map{};
  try {
    auto write = [&](pqxx::connection& c) {
      pqxx::work tx(c);
      auto bump = [&](const char* name, uint64_t cur, uint64_t prev) {
        if (cur > prev) metrics::increment(tx, name, static_cast<int64_t>(cur - prev));
      };
      bump("sse_clients_total", now.clients_total, reported_.clients_total);
      bump("sse_events_broadcast", now.events_broadcast, reported_.events_broadcast);
      bump("sse_events_failed", now.events_failed, reported_.events_failed);
      metrics::set_gauge(tx, "sse_clients_current", opt_.instance_id, current, opt_.gauge_ttl);
      for (const auto& [key, n] : requests)
        metrics::increment(tx, "http_requests", {{"route", key.first}, {"code", std::to_string(key.second)}},
                           static_cast<int64_t>(n));
      tx.commit();
    };
    if (own) write(*own);
    else pool_.run(write);
  } catch (const std::exception& e) {
    spdlog::warn("gateway: writing SSE and request metrics failed (kept for the next write): {}", e.what());
    if (requests_) requests_->give_back(requests);
    return false;
  }
  reported_ = now;
  return true;
}

}  // namespace td::gateway
