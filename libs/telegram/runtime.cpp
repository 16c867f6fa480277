#include "telegram/runtime.h"

#include <thread>

#include "alerts/leader.h"
#include "catalog/catalog.h"
#include "common/log.h"
#include "common/quote.h"
#include "common/stop_flag.h"
#include "db/connection.h"
#include "metrics/metrics.h"
#include "queue/queue.h"
#include "telegram/bot_api.h"
#include "telegram/outbox.h"
#include "telegram/router.h"
#include "telegram/sender.h"
#include "telegram/state.h"
#include "worker/side_worker.h"

namespace td::telegram {

inline constexpr const char* kPollerLease = "telegram";

struct Runtime::State {
  RuntimeOptions opt;
  std::string holder;
  std::shared_ptr<const BotApi> api;
  alerts::LeaderLease lease;
  queue::Queue queue;
  StopFlag stop;
  std::thread poller;
  std::unique_ptr<worker::SideWorker> sender;

  explicit State(RuntimeOptions o)
      : opt(std::move(o)),
        holder(worker::default_worker_id(opt.process + "-telegram")),
        api(std::make_shared<BotApi>(opt.settings.api_base, opt.settings.token, std::chrono::seconds(15))),
        lease(kPollerLease, holder, opt.lease) {}

  // One update in its own transaction: claimed and handled, or (when the
  // handling throws for any reason but a lost connection) claimed and skipped.
  void handle(pqxx::connection& conn, const nlohmann::json& update) {
    const int64_t bot = opt.settings.bot_id();
    const int64_t id = update.value("update_id", int64_t{-1});
    if (id < 0) return;
    try {
      pqxx::work tx(conn);
      metrics::increment(tx, "telegram_updates");
      if (claim_update(tx, bot, id)) handle_update(tx, opt.settings, queue, update);
      tx.commit();
    } catch (const std::exception& e) {
      if (db::is_connection_error(e)) throw;
      spdlog::error("telegram: update {} could not be handled, skipped: {}", id, one_line(e.what()));
      pqxx::work tx(conn);
      claim_update(tx, bot, id);
      metrics::increment(tx, "telegram_update_errors");
      tx.commit();
    }
  }

  void poll_loop() {
    const int64_t bot = opt.settings.bot_id();
    const Backoff backoff{std::chrono::milliseconds(500), std::chrono::seconds(30), 0.3};
    std::unique_ptr<pqxx::connection> conn;
    bool leading = false, webhook_cleared = false, conflict_logged = false;
    int failures = 0;
    while (!stop.stopped()) {
      try {
        if (!conn) {
          conn = db::connect(opt.database_url);
          catalog::prepare(*conn);
        }
        int64_t offset = 0;
        {
          pqxx::work tx(*conn);
          bool now_leading = lease.try_acquire(tx);
          if (now_leading) offset = next_offset(tx, bot);
          tx.commit();
          if (now_leading && !leading) spdlog::info("telegram: this gateway polls for updates now");
          if (!now_leading && leading) spdlog::info("telegram: another gateway polls for updates now");
          leading = now_leading;
        }
        if (!leading) {
          if (stop.wait_for(opt.lease / 4)) break;
          continue;
        }
        if (!webhook_cleared) {
          api->delete_webhook();
          webhook_cleared = true;
        }
        auto updates = api->get_updates(offset, static_cast<int>(opt.long_poll.count()), {"message", "callback_query"});
        conflict_logged = false;
        failures = 0;
        for (const auto& u : updates) handle(*conn, u);
      } catch (const ApiError& e) {
        if (e.conflict()) {
          if (!conflict_logged) spdlog::warn("telegram: {} (another poller or a webhook); waiting", e.what());
          conflict_logged = true;
          if (stop.wait_for(std::chrono::seconds(5))) break;
        } else {
          spdlog::warn("telegram: {}", e.what());
          if (stop.wait_for(e.unauthorized() ? std::chrono::milliseconds(std::chrono::minutes(1))
                                             : backoff.delay(++failures)))
            break;
        }
      } catch (const std::exception& e) {
        if (db::is_connection_error(e)) conn.reset();
        spdlog::warn("telegram: poller: {}", one_line(e.what()));
        leading = false;
        if (stop.wait_for(backoff.delay(++failures))) break;
      }
    }
    if (conn && leading) {
      try {
        pqxx::work tx(*conn);
        lease.release(tx);
        tx.commit();
      } catch (const std::exception&) {
        // It expires on its own.
      }
    }
  }
};

Runtime::Runtime(RuntimeOptions options) : state_(std::make_unique<State>(std::move(options))) {}

Runtime::~Runtime() { stop(); }

const std::string& Runtime::holder() const { return state_->holder; }

void Runtime::start() {
  auto& s = *state_;
  spdlog::info("{}", s.opt.settings.describe());
  if (!s.opt.settings.enabled()) return;
  s.poller = std::thread([&s] { s.poll_loop(); });
  worker::Options w;
  w.database_url = s.opt.database_url;
  w.kinds = {kSendKind};
  w.worker_id = worker::default_worker_id(s.opt.process + "-telegram-send");
  w.poll_interval = s.opt.sender_poll_interval;
  w.retry_backoff = {std::chrono::seconds(2), std::chrono::minutes(5), 0.25};
  w.prepare = catalog::prepare;
  w.on_failure = Sender::count_failure;
  s.sender = std::make_unique<worker::SideWorker>(w, Sender(s.api, s.opt.settings.bot_id()));
  s.sender->start();
}

void Runtime::stop() {
  auto& s = *state_;
  s.stop.stop();
  if (s.sender) s.sender->stop();
  if (s.poller.joinable()) s.poller.join();
}

}  // namespace td::telegram
