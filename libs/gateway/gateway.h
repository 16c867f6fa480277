// The gateway: one httplib::Server with the API, the SSE stream and the
// dashboard, a Postgres pool, the report cache and the outbox reader. It
// holds no state beyond caches, so N replicas behind a proxy act as one.
//
// Threads, sized on purpose: an ElasticThreadPool keeps
// GATEWAY_THREADS workers for API connections and may grow by
// SSE_MAX_CLIENTS + 16 for event streams (each open stream holds a thread
// in cpp-httplib 0.11); the broker refuses streams past its cap with 503
// before the pool is exhausted, so streams never take the API's threads.
// Read and write timeouts (GATEWAY_READ_TIMEOUT / GATEWAY_WRITE_TIMEOUT, 5 s)
// bound how long a slow client holds a thread; idle keep-alive connections
// close after GATEWAY_KEEPALIVE_TIMEOUT.
//
// Requests: every answer is counted in memory by route template and status
// (httpserve::RequestCounts; refused-before-routing ones under "other"), and
// the outbox reader adds the counts to the shared labelled counter
// `http_requests{route,code}` with the SSE metrics, every
// SSE_METRICS_INTERVAL and at stop (GET /metrics:
// tubedigest_http_requests_total).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "gateway/options.h"
#include "httpserve/request_counts.h"
#include "httpserve/server.h"

namespace td::sse {
class Broker;
}
namespace td::httpserve {
class Router;
}
namespace td::store {
class AudioStore;
}

namespace td::gateway {

class ConnectionPool;
class ReportCache;
class MetricsView;
class OutboxFeed;
struct ApiContext;

class Gateway {
 public:
  explicit Gateway(Options options);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Binds host:port (port 0: any free port); returns the port. Throws
  // std::runtime_error when the address cannot be bound.
  int bind(const std::string& host, int port);
  // Positions the outbox reader, then serves on a thread of its own.
  void start();
  // Ends event streams, stops serving, stops the reader. Idempotent.
  void stop();
  bool running() const;
  int port() const { return port_; }

  const Options& options() const { return opt_; }
  sse::Broker& broker() { return *broker_; }
  ReportCache& cache() { return *cache_; }
  ConnectionPool& pool() { return *pool_; }
  OutboxFeed& feed() { return *feed_; }
  httpserve::RequestCounts& request_counts() { return requests_; }

 private:
  Options opt_;
  httpserve::RequestCounts requests_;  // before feed_, which flushes it at stop
  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<ReportCache> cache_;
  std::unique_ptr<MetricsView> metrics_;
  std::unique_ptr<store::AudioStore> audio_;
  std::unique_ptr<sse::Broker> broker_;
  std::unique_ptr<OutboxFeed> feed_;
  std::unique_ptr<ApiContext> ctx_;
  httpserve::Server svr_;  // httplib with a connection loop that answers pipelined requests
  std::unique_ptr<httpserve::Router> router_;
  std::thread listener_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace td::gateway
