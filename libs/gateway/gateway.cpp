#include "gateway/gateway.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "events/outbox.h"
#include "gateway/api.h"
#include "gateway/db_pool.h"
#include "gateway/metrics_view.h"
#include "gateway/outbox_feed.h"
#include "gateway/read_auth.h"
#include "gateway/report_cache.h"
#include "httpserve/pool.h"
#include "httpserve/routes.h"
#include "sse/broker.h"
#include "sse/http.h"
#include "store/audio.h"

namespace td::gateway {

namespace {

std::string default_instance_id() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return std::string("gateway@") + host + ":" + std::to_string(::getpid());
}

// The broker replays from the outbox through the request pool; several
// clients may replay at once (each on its own pooled connection).
sse::ReplaySource replay_source(ConnectionPool& pool) {
  sse::ReplaySource src;
  src.fetch_after = [&pool](int64_t after, size_t limit) {
    std::vector<sse::Event> out;
    pool.run([&](pqxx::connection& c) {
      out.clear();
      events::Reader reader;
      for (const auto& e : reader.read_after(c, after, limit)) out.push_back(OutboxFeed::to_sse(e));
    });
    return out;
  };
  src.oldest_retained_id = [&pool]() {
    int64_t oldest = 0;
    pool.run([&](pqxx::connection& c) {
      std::optional<int64_t> o;
      {
        pqxx::read_transaction tx(c);
        o = events::oldest_id(tx);
      }
      // An empty outbox: the next id it would hand out.
      oldest = o ? *o : events::Reader().refresh_settled(c) + 1;
    });
    return oldest;
  };
  return src;
}

}  // namespace

Gateway::Gateway(Options options) : opt_(std::move(options)) {
  if (opt_.instance_id.empty()) opt_.instance_id = default_instance_id();
  pool_ = std::make_unique<ConnectionPool>(opt_.database_url, PoolOptions{.size = opt_.db_pool});
  cache_ = std::make_unique<ReportCache>(opt_.report_cache_ttl, opt_.report_cache_max);
  metrics_ = std::make_unique<MetricsView>(*pool_, opt_.metrics_cache_ttl);
  broker_ = std::make_unique<sse::Broker>(opt_.sse, replay_source(*pool_));
  feed_ = std::make_unique<OutboxFeed>(
      FeedOptions{.database_url = opt_.database_url,
                  .instance_id = opt_.instance_id,
                  .poll = opt_.outbox_poll,
                  .metrics_interval = opt_.sse_metrics_interval},
      *broker_, *pool_, [cache = cache_.get()](const std::string& id) { cache->invalidate(id); }, &requests_);
  audio_ = store::audio_store_for(opt_.audio_dir);
  ctx_ = std::make_unique<ApiContext>(ApiContext{opt_, *pool_, *cache_, *metrics_, *audio_});

  httpserve::ServerLimits limits;
  limits.api_threads = opt_.threads;
  limits.stream_threads = opt_.sse.max_clients + 16;  // + room for the 503 answers past the cap
  limits.read_timeout = opt_.read_timeout;
  limits.write_timeout = opt_.write_timeout;
  limits.keep_alive_timeout =
      std::max(std::chrono::seconds(1), std::chrono::duration_cast<std::chrono::seconds>(opt_.keep_alive_timeout));
  limits.keep_alive_max_requests = 10000;
  httpserve::configure_server(svr_, limits);

  router_ = std::make_unique<httpserve::Router>(svr_, opt_.max_body_bytes);
  install_read_auth(svr_, *ctx_);
  install_report_routes(*router_, *ctx_);
  install_write_routes(*router_, *ctx_);
  router_->get("/api/report-events", sse::report_events_handler(*broker_));
  install_health_routes(*router_, *ctx_);
  install_alert_routes(*router_, *ctx_);
  install_dashboard(*router_);
  // Counted by the route's template, never the raw path: a video id or a
  // scanner's random URL must not become a label.
  svr_.on_answer([this](const httplib::Request& req, int status, bool routed) {
    requests_.add(routed ? router_->route_of(req.path) : httpserve::Router::kOtherRoute, status);
  });
}

Gateway::~Gateway() { stop(); }

int Gateway::bind(const std::string& host, int port) {
  port_ = port == 0 ? svr_.bind_to_any_port(host) : (svr_.bind_to_port(host, port) ? port : -1);
  if (port_ <= 0) throw std::runtime_error("cannot bind " + host + ":" + std::to_string(port));
  httpserve::set_listen_backlog(svr_, 1024);
  return port_;
}

void Gateway::start() {
  if (port_ <= 0) throw std::logic_error("Gateway::start before bind");
  feed_->start();
  listener_ = std::thread([this] {
    if (!svr_.listen_after_bind() && !stopped_) spdlog::error("gateway: server stopped unexpectedly");
  });
  for (int i = 0; i < 1000 && !svr_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  spdlog::info("gateway: listening on port {} (api threads {}, db pool {}, sse max clients {})", port_, opt_.threads,
               opt_.db_pool, opt_.sse.max_clients);
}

void Gateway::stop() {
  if (stopped_.exchange(true)) return;
  // Stop accepting first: a browser whose stream ends below reconnects
  // within its retry delay, and must meet a refused connection (it retries)
  // rather than this gateway's 503 (EventSource gives up for good on any
  // answer but 200). httplib's stop() only closes the listening socket.
  svr_.stop();
  broker_->shutdown();  // open streams end; httplib then finishes its tasks
  if (listener_.joinable()) listener_.join();
  feed_->stop();
}

bool Gateway::running() const { return svr_.is_running(); }

}  // namespace td::gateway
