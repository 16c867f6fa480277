#include "worker/worker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "common/errors.h"
#include "db/connection.h"
#include "db/notifier.h"
#include "events/outbox.h"
#include "metrics/metrics.h"
#include "worker/maintenance.h"

namespace td::worker {

void prepare_runtime_statements(pqxx::connection_base& conn) {
  queue::Queue::prepare(conn);
  events::prepare(conn);
  metrics::prepare(conn);
}

using Clock_ = std::chrono::steady_clock;

std::string default_worker_id(const std::string& prefix) {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::mt19937 rng{std::random_device{}()};
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(rng() & 0xffff));
  return prefix + "@" + host + ":" + std::to_string(getpid()) + ":" + suffix;
}

JobContext::JobContext(const queue::Job& job, const nlohmann::json& payload, pqxx::connection& conn,
                       const queue::Queue& queue, const std::string& worker_id, const std::atomic<bool>& stopping,
                       const std::string& stage, double queue_wait_s)
    : job_(job),
      payload_(payload),
      conn_(conn),
      queue_(queue),
      worker_id_(worker_id),
      stopping_(stopping),
      stage_(stage),
      queue_wait_s_(queue_wait_s) {}

void JobContext::complete_in(pqxx::transaction_base& tx, Outcome outcome) {
  if (queue_.complete(tx, {job_.id}, worker_id_) != 1)
    throw LeaseLost("job " + std::to_string(job_.id) + " is no longer held by " + worker_id_ +
                    " (lease expired or job cancelled); its results were not stored");
  if (!stage_.empty() && outcome == Outcome::stored) {
    metrics::increment(tx, stage_ + "_success");
    metrics::observe(tx, "queue_wait_seconds", queue_wait_s_);
  }
  completed_ = true;
}

namespace {

// A finished job whose completion is written with the slot's next claim.
struct Finished {
  int64_t id;
  std::string kind;
  int attempt;
  double seconds;
  double queue_wait_s;
};

// A failure that could not be recorded because the connection was lost.
struct OwedFailure {
  queue::Job job;
  Failure failure;
};

// A message as jobs.last_error keeps it: one line, at most 2,000 bytes.
std::string stored_message(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (s.size() > 2000) s.resize(2000);
  return s;
}

// What a handler's exception (the current one) says, as the job records it.
Failure failure_of(std::exception_ptr e, const queue::Job& job) {
  auto info = describe_error(e, {"error", "handler threw a non-standard exception", false});
  Failure f;
  f.reason = info.reason;
  f.message = stored_message(info.message);
  f.permanent = info.permanent;
  f.http_status = info.http_status;
  f.attempt = job.attempt;
  f.max_attempts = job.max_attempts;
  // "reason: message", unless the reason is a generic one or already leads.
  bool generic = f.reason == "error" || f.reason == "permanent" || f.reason == "transient";
  f.error = generic || f.message.rfind(f.reason, 0) == 0 ? f.message : f.reason + ": " + f.message;
  return f;
}

}  // namespace

struct Worker::State {
  Options opt;
  Handler handler;
  queue::Queue queue;
  std::unique_ptr<db::Notifier> notifier;

  std::atomic<bool> stop_requested{false};
  std::atomic<bool> stopping{false};  // slots stop claiming
  std::atomic<bool> abandon{false};   // deadline passed: give up reconnecting
  std::atomic<int> slots_connected{0};
  std::atomic<int> slots_running{0};

  std::mutex mu;  // guards everything below
  std::condition_variable cv;
  std::map<int64_t, std::string> inflight;  // job id -> kind
  Counts counts;

  State(Options o, Handler h) : opt(std::move(o)), handler(std::move(h)), queue(opt.clock, opt.retry_backoff) {}

  std::unique_ptr<pqxx::connection> connect(const std::string& who) {
    auto conn = db::connect_with_retry(opt.database_url, who, [this] { return abandon.load(); });
    if (!conn) return conn;
    // The claim statement is a CTE whose custom plans cost more to make than
    // to run; Postgres keeps choosing them for its array parameter. A generic
    // plan doubles the one-job-per-claim rate (bench/README.md).
    pqxx::nontransaction(*conn).exec("SET plan_cache_mode = force_generic_plan");
    opt.prepare(*conn);
    return conn;
  }

  void track(const std::vector<queue::Job>& jobs) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& j : jobs) inflight[j.id] = j.kind;
  }
  void untrack(int64_t id) {
    std::lock_guard<std::mutex> lock(mu);
    inflight.erase(id);
  }
  void count(uint64_t Counts::*field, uint64_t n = 1) {
    std::lock_guard<std::mutex> lock(mu);
    counts.*field += n;
  }

  // Sleeps up to `d`, returning early when stop is requested.
  void sleep_unless_stopping(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, d, [this] { return stop_requested.load(); });
  }

  void record_failure(pqxx::connection& conn, const queue::Job& job, Failure failure, double seconds) {
    pqxx::work tx(conn);
    auto r = queue.fail(tx, job, opt.worker_id, failure.error, failure.permanent, failure.reason);
    failure.gave_up = r.outcome == queue::FailOutcome::dead;
    if (failure.gave_up && !opt.stage.empty()) metrics::increment(tx, opt.stage + "_failure");
    if (opt.on_failure && r.outcome != queue::FailOutcome::not_owner) {
      try {
        pqxx::subtransaction hook(tx, "on_failure");
        opt.on_failure(hook, job, failure);
        hook.commit();
      } catch (const std::exception& e) {
        if (db::is_connection_error(e)) throw;
        spdlog::error("job={} kind={} on_failure hook failed: {}", job.id, job.kind, stored_message(e.what()));
      }
    }
    tx.commit();
    untrack(job.id);
    const std::string& error = failure.error;
    switch (r.outcome) {
      case queue::FailOutcome::retry_scheduled: {
        count(&Counts::failed);
        auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(*r.retry_at - std::chrono::system_clock::now());
        spdlog::warn(
            "job={} kind={} attempt={}/{} state=failed duration_ms={:.0f} retry_in_s={:.1f} reason={} "
            "error=\"{}\"",
            job.id, job.kind, job.attempt, job.max_attempts, seconds * 1000,
            opt.clock ? 0.0 : std::max<double>(0, wait.count() / 1000.0), failure.reason, error);
        break;
      }
      case queue::FailOutcome::dead:
        count(&Counts::dead);
        spdlog::error("job={} kind={} attempt={}/{} state=dead duration_ms={:.0f} permanent={} reason={} error=\"{}\"",
                      job.id, job.kind, job.attempt, job.max_attempts, seconds * 1000, failure.permanent,
                      failure.reason, error);
        break;
      case queue::FailOutcome::not_owner:
        spdlog::warn("job={} kind={} attempt={} lease lost before its failure was recorded error=\"{}\"", job.id,
                     job.kind, job.attempt, error);
        break;
    }
  }

  // Runs one job. Returns a Finished record when the handler succeeded and
  // the completion is still to be written.
  std::optional<Finished> run_one(pqxx::connection& conn, const queue::Job& job, std::vector<OwedFailure>& owed) {
    auto start = Clock_::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock_::now() - start).count(); };
    spdlog::info("job={} kind={} attempt={}/{} state=running", job.id, job.kind, job.attempt, job.max_attempts);
    nlohmann::json payload;
    // The time the job waited past its run_at, in the clock that set it.
    auto now = opt.clock ? opt.clock->now() : std::chrono::system_clock::now();
    double queue_wait_s = std::max(0.0, std::chrono::duration<double>(now - job.run_at).count());
    Failure failure;
    try {
      try {
        payload = nlohmann::json::parse(job.payload);
      } catch (const nlohmann::json::parse_error& e) {
        throw PermanentError("bad_payload", "payload is not valid JSON: " + std::string(e.what()));
      }
      JobContext ctx(job, payload, conn, queue, opt.worker_id, stopping, opt.stage, queue_wait_s);
      handler(ctx);
      if (ctx.completed()) {
        untrack(job.id);
        count(&Counts::done);
        spdlog::info("job={} kind={} attempt={} state=done duration_ms={:.0f}", job.id, job.kind, job.attempt,
                     elapsed() * 1000);
        return std::nullopt;
      }
      return Finished{job.id, job.kind, job.attempt, elapsed(), queue_wait_s};
    } catch (const RetryLater& e) {
      pqxx::work tx(conn);
      bool ours = queue.snooze(tx, job.id, opt.worker_id, e.until(), e.what());
      tx.commit();
      untrack(job.id);
      if (ours) count(&Counts::snoozed);
      auto wait = std::chrono::duration<double>(e.until() - std::chrono::system_clock::now()).count();
      spdlog::warn("job={} kind={} attempt={} state=queued snoozed_s={:.0f} reason=\"{}\"", job.id, job.kind,
                   job.attempt, std::max(0.0, wait), stored_message(e.what()));
      return std::nullopt;
    } catch (const LeaseLost& e) {
      untrack(job.id);
      spdlog::warn("job={} kind={} attempt={} lease lost: {}", job.id, job.kind, job.attempt, e.what());
      return std::nullopt;
    } catch (const std::exception& e) {
      failure = failure_of(std::current_exception(), job);
      if (db::is_connection_error(e)) {
        failure.reason = "db_connection_lost";
        failure.permanent = false;
        failure.http_status.reset();  // the database failed, not an upstream answer
        failure.error = "database connection lost while running: " + failure.message;
        owed.push_back({job, failure});
        throw;
      }
    } catch (...) {
      failure = failure_of(std::current_exception(), job);
    }
    try {
      record_failure(conn, job, failure, elapsed());
    } catch (const std::exception& e) {
      if (db::is_connection_error(e)) owed.push_back({job, failure});
      throw;
    }
    return std::nullopt;
  }

  void slot_loop(int slot) {
    std::string who = "slot-" + std::to_string(slot);
    std::unique_ptr<pqxx::connection> conn;
    std::vector<Finished> finished;
    std::vector<OwedFailure> owed;
    bool counted_connected = false;
    while (!abandon) {
      if (!conn) {
        conn = connect(who);
        if (!conn) break;
        if (!counted_connected) {
          counted_connected = true;
          ++slots_connected;
        }
      }
      try {
        for (auto it = owed.begin(); it != owed.end(); it = owed.erase(it))
          record_failure(*conn, it->job, it->failure, 0);
        uint64_t seen = notifier->sequence();
        std::vector<queue::Job> jobs;
        bool stop_now = stopping.load();
        {
          std::vector<int64_t> ids;
          for (const auto& f : finished) ids.push_back(f.id);
          pqxx::nontransaction tx(*conn);
          auto r =
              queue.complete_and_claim(tx, ids, opt.kinds, opt.worker_id, stop_now ? 0 : opt.batch_size, opt.lease);
          jobs = std::move(r.claimed);
          if (r.completed != static_cast<int>(ids.size()))
            spdlog::warn("worker={} {} finished job(s) had lost their lease before completion", opt.worker_id,
                         ids.size() - r.completed);
          // Handlers that leave completion to the worker are counted here
          // (autocommit, after the completion: counters are not results).
          if (!opt.stage.empty() && r.completed > 0) {
            metrics::increment(tx, opt.stage + "_success", r.completed);
            for (const auto& f : finished) metrics::observe(tx, "queue_wait_seconds", f.queue_wait_s);
          }
        }
        for (const auto& f : finished) {
          untrack(f.id);
          spdlog::info("job={} kind={} attempt={} state=done duration_ms={:.0f}", f.id, f.kind, f.attempt,
                       f.seconds * 1000);
        }
        count(&Counts::done, finished.size());
        finished.clear();
        if (stop_now) break;
        if (jobs.empty()) {
          notifier->wait_for_change(seen, opt.poll_interval);
          continue;
        }
        track(jobs);
        for (size_t i = 0; i < jobs.size(); ++i) {
          if (stopping) {
            std::vector<int64_t> rest;
            for (size_t k = i; k < jobs.size(); ++k) rest.push_back(jobs[k].id);
            pqxx::work tx(*conn);
            int n = queue.release(tx, rest, opt.worker_id);
            tx.commit();
            for (auto id : rest) untrack(id);
            count(&Counts::released, n);
            spdlog::info("worker={} shutting down: handed back {} claimed job(s) not started", opt.worker_id, n);
            break;
          }
          if (auto f = run_one(*conn, jobs[i], owed)) finished.push_back(*f);
        }
      } catch (const std::exception& e) {
        if (db::is_connection_error(e)) {
          spdlog::warn("worker={} {} lost its database connection: {}", opt.worker_id, who, stored_message(e.what()));
          conn.reset();
        } else {
          spdlog::error("worker={} {} unexpected error: {}", opt.worker_id, who, stored_message(e.what()));
          sleep_unless_stopping(std::chrono::seconds(1));
        }
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      --slots_running;
    }
    cv.notify_all();
  }

  void heartbeat_loop() {
    std::unique_ptr<pqxx::connection> conn;
    while (!stop_requested || slots_running > 0) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait_for(lock, opt.heartbeat_interval,
                    [this] { return abandon.load() || (slots_running == 0 && stop_requested); });
      }
      if (abandon || (stop_requested && slots_running == 0)) break;
      std::vector<int64_t> ids;
      {
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& [id, _] : inflight) ids.push_back(id);
      }
      if (ids.empty()) continue;
      try {
        if (!conn) conn = connect("heartbeat");
        if (!conn) break;
        pqxx::work tx(*conn);
        int n = queue.heartbeat(tx, ids, opt.worker_id, opt.lease);
        tx.commit();
        // Usually jobs that finished between reading `inflight` and the
        // UPDATE; a job taken away (rescued, cancelled) is reported by its
        // completion, which then finds it is no longer ours.
        if (n != static_cast<int>(ids.size()))
          spdlog::debug("worker={} heartbeat: {} of {} job(s) no longer running here", opt.worker_id, ids.size() - n,
                        ids.size());
      } catch (const std::exception& e) {
        spdlog::warn("worker={} heartbeat failed: {}", opt.worker_id, stored_message(e.what()));
        conn.reset();
      }
    }
  }

  void maintenance_loop() {
    Maintenance m(queue, opt.retention, opt.event_retention);
    std::unique_ptr<pqxx::connection> conn;
    while (!stop_requested) {
      try {
        if (!conn) conn = connect("maintenance");
        if (!conn) break;
        m.run_once(*conn, [this] { return stop_requested.load(); });
      } catch (const std::exception& e) {
        spdlog::warn("worker={} maintenance failed: {}", opt.worker_id, stored_message(e.what()));
        conn.reset();
      }
      sleep_unless_stopping(opt.maintenance_interval);
    }
  }

  // After the deadline: hand back what is still in flight so another worker
  // can take it now instead of after the lease expires.
  void hand_back_inflight() {
    std::vector<int64_t> ids;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& [id, _] : inflight) ids.push_back(id);
    }
    if (ids.empty()) return;
    try {
      auto conn = db::connect(opt.database_url);
      opt.prepare(*conn);
      pqxx::work tx(*conn);
      int n = queue.release(tx, ids, opt.worker_id);
      tx.commit();
      count(&Counts::released, n);
      spdlog::warn("worker={} shutdown deadline passed: handed back {} job(s) still running", opt.worker_id, n);
    } catch (const std::exception& e) {
      spdlog::error(
          "worker={} could not hand back {} job(s) at shutdown ({}); they will be rescued when their "
          "lease expires",
          opt.worker_id, ids.size(), stored_message(e.what()));
    }
  }
};

Worker::Worker(Options options, Handler handler) {
  if (options.kinds.empty()) throw std::invalid_argument("worker: no job kinds given");
  if (options.concurrency < 1) throw std::invalid_argument("worker: concurrency must be at least 1");
  if (options.batch_size < 1) throw std::invalid_argument("worker: batch size must be at least 1");
  if (options.worker_id.empty()) options.worker_id = default_worker_id(options.kinds.front());
  state_ = std::make_shared<State>(std::move(options), std::move(handler));
  std::vector<std::string> channels;
  for (const auto& k : state_->opt.kinds) channels.push_back(queue::Queue::channel(k));
  state_->notifier = std::make_unique<db::Notifier>(state_->opt.database_url, channels);
}

Worker::~Worker() { stop(); }

const std::string& Worker::id() const { return state_->opt.worker_id; }

bool Worker::ready() const {
  return state_->slots_connected.load() == state_->opt.concurrency && state_->notifier->listening();
}

Counts Worker::counts() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->counts;
}

void Worker::stop() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop_requested = true;
  }
  state_->cv.notify_all();
}

bool Worker::run() {
  auto s = state_;
  spdlog::info("worker={} starting kinds={} concurrency={} batch={}", s->opt.worker_id, fmt::join(s->opt.kinds, ","),
               s->opt.concurrency, s->opt.batch_size);
  s->notifier->start();
  s->slots_running = s->opt.concurrency;
  std::vector<std::thread> slots;
  for (int i = 0; i < s->opt.concurrency; ++i) slots.emplace_back([s, i] { s->slot_loop(i); });
  std::thread heartbeat([s] { s->heartbeat_loop(); });
  std::thread maintenance;
  if (s->opt.maintenance_interval.count() > 0) maintenance = std::thread([s] { s->maintenance_loop(); });

  {
    std::unique_lock<std::mutex> lock(s->mu);
    s->cv.wait(lock, [&] { return s->stop_requested.load(); });
  }
  spdlog::info("worker={} stopping: no new claims, waiting up to {} ms for jobs in flight", s->opt.worker_id,
               s->opt.shutdown_deadline.count());
  s->stopping = true;
  s->notifier->wake();
  bool clean;
  {
    std::unique_lock<std::mutex> lock(s->mu);
    clean = s->cv.wait_for(lock, s->opt.shutdown_deadline, [&] { return s->slots_running == 0; });
  }
  if (!clean) {
    s->hand_back_inflight();
    s->abandon = true;
    for (auto& t : slots) t.detach();  // stuck in a handler; they hold `s`, so their state stays valid
  } else {
    for (auto& t : slots) t.join();
  }
  s->cv.notify_all();
  heartbeat.join();
  if (maintenance.joinable()) maintenance.join();
  if (clean) s->notifier->stop();  // stuck slots may still read the notifier
  auto c = counts();
  spdlog::info("worker={} stopped clean={} done={} failed={} dead={} handed_back={}", s->opt.worker_id, clean, c.done,
               c.failed, c.dead, c.released);
  return clean;
}

}  // namespace td::worker
