// The gateway's one outbox reader: events table -> SSE broker + report cache,
// and the SSE client metrics -> the shared metrics tables.
//
// One thread per process, on a connection of its own (not the request pool,
// so API load never delays events). A td::db::Notifier LISTENs on
// td_events and wakes it; it also reads every `poll` without a wakeup, so a
// lost NOTIFY only delays. Each round reads with td::events::Reader (which
// never passes an unsettled id), invalidates the cached report of every
// video an event names, then publishes the events to the broker in id order.
// Invalidation goes first, so a client that refetches on an event never gets
// the cached report from before it.
//
// Start position: the settled id when start() runs, handed to the broker
// (Broker::start_after), so a client resuming with an older Last-Event-ID
// replays what was committed while no gateway was reading. On a lost
// connection it reconnects with backoff and carries on from its cursor.
//
// Metrics: every `metrics_interval` (and at stop) it writes this replica's
// `sse_clients_current` gauge (owner = instance id, TTL 30 s, so a dead
// replica stops counting) and the growth of the broker's counters since the
// last write as increments of sse_clients_total / sse_events_broadcast /
// sse_events_failed, through the request pool, and with them the HTTP
// requests counted since the last write (httpserve::RequestCounts) as
// increments of http_requests{route,code}. A failed write keeps the
// deltas for the next one, so the sums over replicas stay exact.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "events/outbox.h"
#include "sse/broker.h"

namespace td::db {
class Notifier;
}
namespace td::httpserve {
class RequestCounts;
}

namespace td::gateway {

class ConnectionPool;

struct FeedOptions {
  std::string database_url;
  std::string instance_id;
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds metrics_interval{5000};
  std::chrono::seconds gauge_ttl{30};
  size_t page = 1000;
};

class OutboxFeed {
 public:
  using Invalidate = std::function<void(const std::string& video_id)>;
  // `requests`, when given, is flushed with the metrics (it must outlive the feed).
  OutboxFeed(FeedOptions options, sse::Broker& broker, ConnectionPool& pool, Invalidate invalidate,
             httpserve::RequestCounts* requests = nullptr);
  ~OutboxFeed();
  OutboxFeed(const OutboxFeed&) = delete;
  OutboxFeed& operator=(const OutboxFeed&) = delete;

  // Takes the start position (connecting once; if Postgres is down the
  // thread keeps trying and the broker starts at 0), then starts the thread.
  void start();
  // Stops the thread, writes the metrics one last time (gauge 0).
  void stop();

  // Writes the SSE metrics now (tests); false when the write failed.
  // On the reader's own connection when it has one (API traffic holding the
  // request pool must not stall event delivery), else through the pool.
  bool write_metrics(pqxx::connection* own, bool final = false);
  int64_t cursor() const { return cursor_.load(); }

  static sse::Event to_sse(const events::Event& e);

 private:
  void run();
  bool connect();
  void deliver(std::vector<events::Event>& events);

  FeedOptions opt_;
  sse::Broker& broker_;
  ConnectionPool& pool_;
  Invalidate invalidate_;
  httpserve::RequestCounts* requests_;
  std::unique_ptr<db::Notifier> notifier_;
  std::unique_ptr<pqxx::connection> conn_;
  events::Reader reader_;
  std::atomic<int64_t> cursor_{0};
  bool positioned_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  std::mutex metrics_mu_;
  sse::Counters reported_{};
};

}  // namespace td::gateway
