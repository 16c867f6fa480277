#include "alerts/runtime.h"

#include <thread>

#include "alerts/evaluator.h"
#include "alerts/leader.h"
#include "alerts/notify.h"
#include "alerts/payload.h"
#include "alerts/sender.h"
#include "catalog/catalog.h"
#include "common/log.h"
#include "common/quote.h"
#include "common/stop_flag.h"
#include "db/connection.h"
#include "queue/queue.h"
#include "worker/side_worker.h"

namespace td::alerts {

namespace {

// The lease outlives a missed renewal by half an interval; followers look
// four times an interval (runtime.h: takeover within 1.75 intervals).
std::chrono::milliseconds lease_ttl(const Settings& s) { return s.eval_interval * 3 / 2; }

worker::Options sender_options(const RuntimeOptions& o) {
  worker::Options w;
  w.database_url = o.database_url;
  w.kinds = {kNotifyKind};
  w.worker_id = worker::default_worker_id(o.process + "-alerts");
  w.poll_interval = o.poll_interval;
  w.lease = std::max<std::chrono::milliseconds>(std::chrono::seconds(60), o.settings.send_timeout * 4);
  w.heartbeat_interval = w.lease / 4;
  w.shutdown_deadline = o.settings.send_timeout + std::chrono::seconds(1);
  w.retry_backoff = o.settings.retry_backoff;
  w.prepare = catalog::prepare;
  w.on_failure = Sender::count_failure;
  return w;
}

void log_round(const Round& r) {
  for (const auto& s : r.fired) spdlog::warn("alert {} (fingerprint {})", headline(s), s.fingerprint);
  for (const auto& s : r.repeated) spdlog::warn("alert still {} (fingerprint {})", headline(s), s.fingerprint);
  for (const auto& s : r.resolved) spdlog::info("alert {} (fingerprint {})", headline(s), s.fingerprint);
}

}  // namespace

struct Runtime::State {
  RuntimeOptions opt;
  std::string holder;
  LeaderLease lease;
  queue::Queue queue;
  StopFlag stop;
  std::thread evaluator;
  std::unique_ptr<worker::SideWorker> sender;

  explicit State(RuntimeOptions o)
      : opt(std::move(o)),
        holder(worker::default_worker_id(opt.process)),
        lease(kEvaluatorLease, holder, lease_ttl(opt.settings)) {}

  void evaluate_loop() {
    const auto interval = opt.settings.eval_interval;
    const Backoff backoff{std::chrono::milliseconds(200), std::chrono::seconds(10), 0.3};
    std::unique_ptr<pqxx::connection> conn;
    bool leading = false, db_lost = false;
    int failures = 0;
    while (true) {
      auto next = interval / 4;
      try {
        if (!conn) {
          conn = db::connect(opt.database_url);
          catalog::prepare(*conn);
        }
        pqxx::work tx(*conn);
        auto round = evaluate_round(tx, lease, opt.settings, queue);
        tx.commit();
        if (db_lost) spdlog::info("alerts: database reachable again; evaluating");
        db_lost = false;
        failures = 0;
        if (round.led && !leading) spdlog::info("alerts: this process ({}) evaluates now", holder);
        if (!round.led && leading) spdlog::info("alerts: another process took evaluation over");
        leading = round.led;
        log_round(round);
        if (round.led) next = interval;
      } catch (const std::exception& e) {
        conn.reset();
        leading = false;
        if (!db::is_connection_error(e)) {
          spdlog::error("alerts: evaluation failed: {}", one_line(e.what()));
        } else if (!db_lost) {
          spdlog::warn("alerts: cannot reach the database ({}); retrying with backoff", one_line(e.what()));
          db_lost = true;
        }
        next = backoff.delay(++failures);
      }
      if (stop.wait_for(next)) break;
    }
    if (conn && leading) {
      try {
        pqxx::work tx(*conn);
        lease.release(tx);
        tx.commit();
      } catch (const std::exception& e) {
        spdlog::warn("alerts: could not give the evaluator lease up ({}); it expires on its own", one_line(e.what()));
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
  s.evaluator = std::thread([&s] { s.evaluate_loop(); });
  if (!s.opt.settings.receivers.empty()) {
    s.sender = std::make_unique<worker::SideWorker>(sender_options(s.opt), Sender(s.opt.settings));
    s.sender->start();
  }
}

void Runtime::stop() {
  auto& s = *state_;
  s.stop.stop();
  if (s.sender) s.sender->stop();
  if (s.evaluator.joinable()) s.evaluator.join();
}

}  // namespace td::alerts
