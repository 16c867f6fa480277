// The worker runtime every service runs on.
//
// A Worker runs `concurrency` slot threads. Each slot owns a database
// connection and loops: claim up to `batch_size` jobs, run the handler on
// each, and complete the finished ones in the same transaction as the next
// claim (batched completion: one commit per round, not two per job). Idle
// slots sleep on the process's Notifier (LISTEN on the kinds' channels) and
// wake on a NOTIFY or after `poll_interval`, whichever comes first, so a lost
// notification only delays a job.
//
// Beside the slots:
//   - a heartbeat thread extends the leases of every job in flight, so a long
//     job keeps its lease while a crashed process loses it;
//   - a maintenance thread rescues jobs whose lease expired (their worker
//     died) and prunes finished jobs and old events in small batches.
//
// Failures: a handler that throws fails the job. The worker describes the
// exception as a Failure (reason code, message, attempt, upstream HTTP
// status), stores the reason
// in jobs.reason and "<reason>: <message>" in jobs.last_error, and hands the
// Failure to Options::on_failure; a permanent td::JobError (PermanentError)
// sends the job to `dead` at once;
// RetryLater puts it back to wait without counting an attempt; a payload that is not valid
// JSON is a permanent failure. When Postgres goes away each thread
// reconnects with capped backoff; a job whose outcome could not be recorded
// is recorded after the reconnect, or, failing that, its lease expires and
// it is rescued. Nothing claimed is dropped.
//
// Shutdown (stop(), e.g. on SIGTERM): slots stop claiming, jobs claimed but
// not started are handed back at once, jobs in flight get
// `shutdown_deadline` to finish; any still running then are handed back to
// the queue (attempt not counted) and run() returns.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/backoff.h"
#include "common/clock.h"
#include "queue/queue.h"

namespace td::worker {

// A failed attempt, as the worker records it and hands it to on_failure.
struct Failure {
  // The td::JobError's code ("no_transcript", "llm_auth", "bad_payload");
  // "error" for an exception that is no JobError; "db_connection_lost" when
  // the database went away while the handler ran.
  std::string reason;
  std::string message;  // the exception's message, on one line
  // What jobs.last_error keeps and events carry as `error`: "<reason>:
  // <message>", the reason left out when it is generic or already leads.
  std::string error;
  bool permanent = false;  // the error said retrying cannot help
  bool gave_up = false;    // the job is dead: no retry follows
  int attempt = 0;
  int max_attempts = 0;
  // The upstream HTTP status the td::JobError carried (YouTube's 403, 503),
  // for the failure event; unset for any other failure.
  std::optional<int> http_status = std::nullopt;
};

// The statements the worker itself runs: the queue's, the outbox's and the
// metrics'. The default of Options::prepare.
void prepare_runtime_statements(pqxx::connection_base& conn);

struct Options {
  std::string database_url;
  std::vector<std::string> kinds;
  std::string worker_id;  // default: host:pid:random
  int concurrency = 2;
  int batch_size = 1;  // jobs per claim per slot
  std::chrono::milliseconds poll_interval{std::chrono::seconds(5)};
  std::chrono::milliseconds lease{std::chrono::seconds(60)};
  std::chrono::milliseconds heartbeat_interval{std::chrono::seconds(15)};
  std::chrono::milliseconds shutdown_deadline{std::chrono::seconds(20)};
  // Rescue and prune run this often; zero turns maintenance off.
  std::chrono::milliseconds maintenance_interval{std::chrono::seconds(15)};
  queue::Retention retention{};
  std::chrono::seconds event_retention{std::chrono::hours(24 * 7)};
  const Clock* clock = nullptr;  // null: database time
  Backoff retry_backoff{std::chrono::seconds(5), std::chrono::hours(1), 0.25};
  // Registers the named statements on every new connection, in one call.
  // The worker runs the queue's, outbox's and metrics' statements, so this
  // must register those as well as the handler's: a service passes
  // catalog::prepare, which registers every statement of the system.
  std::function<void(pqxx::connection_base&)> prepare = prepare_runtime_statements;
  // Called inside the transaction that records a job's failure, before it
  // commits, so a service can emit its *-error / *-failed event atomically
  // with it. Runs in a savepoint: if it throws, its writes are undone, the
  // error is logged and the failure is still recorded.
  std::function<void(pqxx::transaction_base& tx, const queue::Job& job, const Failure& failure)> on_failure;
  // When set (a stage's name: "ingest", "summarize", "tts"), the worker
  // counts `<stage>_success` and observes `queue_wait_seconds` (from the
  // job's run_at to its start) in the transaction that completes a job, and
  // counts `<stage>_failure` in the one that gives a job up.
  std::string stage;
};

// Thrown by JobContext::complete_in when this worker no longer holds the job
// (its lease expired and it was rescued, or it was cancelled): the handler's
// transaction must not commit.
class LeaseLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by a handler when its job cannot run now for a reason outside the
// job (YouTube throttling every replica, a paused provider): the job goes
// back to the queue until `until`, its attempt not counted, nothing failed.
class RetryLater : public std::runtime_error {
 public:
  RetryLater(Clock::time_point until, const std::string& reason) : std::runtime_error(reason), until_(until) {}
  Clock::time_point until() const { return until_; }

 private:
  Clock::time_point until_;
};

class JobContext {
 public:
  // `stage` and `queue_wait_s`: what complete_in counts (Options::stage).
  JobContext(const queue::Job& job, const nlohmann::json& payload, pqxx::connection& conn, const queue::Queue& queue,
             const std::string& worker_id, const std::atomic<bool>& stopping, const std::string& stage = "",
             double queue_wait_s = 0);

  const queue::Job& job() const { return job_; }
  const nlohmann::json& payload() const { return payload_; }
  // The slot's connection; run the handler's transactions on it.
  pqxx::connection& conn() { return conn_; }
  const queue::Queue& queue() const { return queue_; }
  const std::string& worker_id() const { return worker_id_; }
  // True once shutdown was requested: long handlers may stop early by throwing.
  bool stopping() const { return stopping_.load(); }

  // Marks the job done inside `tx`, so the job's results and its completion
  // commit together (a job re-run after a lost lease cannot store twice),
  // with the stage's success counter and queue wait. Throws LeaseLost if
  // the job is no longer ours.
  // `nothing_new`: the job found its work already done (a re-run after it
  // stored, or its subject gone) and is not counted as a success again.
  enum class Outcome { stored, nothing_new };
  void complete_in(pqxx::transaction_base& tx, Outcome outcome = Outcome::stored);
  bool completed() const { return completed_; }

 private:
  const queue::Job& job_;
  const nlohmann::json& payload_;
  pqxx::connection& conn_;
  const queue::Queue& queue_;
  const std::string& worker_id_;
  const std::atomic<bool>& stopping_;
  std::string stage_;
  double queue_wait_s_;
  bool completed_ = false;
};

using Handler = std::function<void(JobContext&)>;

struct Counts {
  uint64_t done = 0;
  uint64_t failed = 0;  // retry scheduled
  uint64_t dead = 0;
  uint64_t released = 0;
  uint64_t snoozed = 0;
};

class Worker {
 public:
  Worker(Options options, Handler handler);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Runs until stop(); returns after the shutdown sequence. Returns false if
  // some handler was still running at the deadline (its job was handed back;
  // the caller should exit the process rather than wait for it).
  bool run();
  // Asks run() to shut down. Safe from any thread.
  void stop();
  // True once every slot has connected and the notifier listens.
  bool ready() const;
  Counts counts() const;
  const std::string& id() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

std::string default_worker_id(const std::string& prefix);

}  // namespace td::worker
