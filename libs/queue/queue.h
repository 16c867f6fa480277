// The PostgreSQL job queue.
//
// Every operation takes the caller's transaction, so a job and the state
// change that caused it commit together (enqueue summary jobs in the same
// transaction as the transcript they summarize; complete a job in the same
// transaction as the output it produced). Statements are prepared once per
// connection by Queue::prepare().
//
// Claiming: `claim` locks the first claimable rows of a kind in
// (priority, run_at, id) order with FOR UPDATE SKIP LOCKED, so concurrent
// workers take disjoint rows without waiting on each other, counts the
// attempt and sets a lease. A worker that stops heartbeating loses the lease
// and `rescue` puts the job back (see schema/001_jobs.sql for the states).
//
// Wakeups: enqueue issues pg_notify on the kind's channel in the same
// transaction; Postgres delivers it at commit and folds duplicates within a
// transaction, so a batch of any size costs one notification per kind.
// Workers also poll, so a lost notification delays a job and never loses it.
//
// Time: with a Clock, statements use its time; without one, the database's
// now() (see time.h).
#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/backoff.h"
#include "common/clock.h"

namespace td::queue {

// A job's state (schema/001_jobs.sql): queued -> running -> done, or
// failed (waiting for its retry) -> running ..., dead (gave up), cancelled.
enum class JobStatus { queued, running, failed, done, dead, cancelled };

std::string_view to_string(JobStatus status);
// nullopt for a name that is no status.
std::optional<JobStatus> parse_job_status(std::string_view name);
// Waiting to run, running, or waiting for its retry: the job will still run.
constexpr bool is_pending(JobStatus s) {
  return s == JobStatus::queued || s == JobStatus::running || s == JobStatus::failed;
}

struct EnqueueOptions {
  int priority = 100;                         // lower runs first
  std::optional<Clock::time_point> run_at{};  // default: now
  std::chrono::milliseconds delay{0};         // added to run_at
  int max_attempts = 5;
  // While a job with this key is queued, running or waiting for its retry,
  // enqueueing again returns that job's id and adds nothing.
  std::optional<std::string> dedup_key{};
  // What the job is about (e.g. "yt:<id>"), for reports; optional.
  std::optional<std::string> subject{};
};

struct NewJob {
  std::string kind;
  std::string payload = "{}";
  EnqueueOptions options = {};
};

struct Enqueued {
  int64_t id = 0;
  bool created = false;  // false: an existing pending job with the same dedup key
};

struct Job {
  int64_t id = 0;
  std::string kind;
  std::string payload;
  int attempt = 0;  // 1 on the first run
  int max_attempts = 0;
  int priority = 0;
  std::optional<std::string> subject{};
  Clock::time_point created_at;
  Clock::time_point run_at;
};

enum class FailOutcome { retry_scheduled, dead, not_owner };

struct FailResult {
  FailOutcome outcome = FailOutcome::not_owner;
  std::optional<Clock::time_point> retry_at;
};

struct Rescued {
  int64_t id;
  std::string kind;
  std::string previous_owner;
  int attempts;
  bool dead;  // attempts were exhausted
};

struct CompleteAndClaim {
  int completed = 0;
  std::vector<Job> claimed;
};

struct KindStats {
  std::string kind;
  int64_t queued = 0;    // claimable now or later
  int64_t retrying = 0;  // failed, waiting for run_at
  int64_t running = 0;
  int64_t dead = 0;
  double oldest_queued_age_s = 0;  // of jobs whose run_at has passed
};

struct DeadJob {
  int64_t id;
  std::string kind;
  int attempts;
  std::string last_error;
  std::optional<std::string> subject{};
  Clock::time_point finished_at;
  std::string reason{};  // the failure's code; "" when none was recorded
};

// A job as a report shows it.
struct JobSummary {
  int64_t id;
  std::string kind;
  JobStatus status;
  int attempts;
  int max_attempts;
  std::string payload;
  std::optional<std::string> last_error;
  Clock::time_point created_at;
  std::optional<Clock::time_point> finished_at;
  std::optional<std::string> reason{};  // the last failure's code
};

struct Retention {
  std::chrono::seconds finished{std::chrono::hours(24)};  // done and cancelled jobs
  std::chrono::seconds dead{std::chrono::hours(24 * 7)};  // dead jobs are kept longer: someone should look
};

class Queue {
 public:
  // `clock` may be null (database time). `retry_backoff` spaces retries of
  // failed jobs: attempt n waits about base * 2^(n-1), capped, jittered.
  explicit Queue(const Clock* clock = nullptr,
                 Backoff retry_backoff = {std::chrono::seconds(5), std::chrono::hours(1), 0.25});

  // Registers this module's named statements on a connection. Call once per
  // connection before using it with a Queue.
  static void prepare(pqxx::connection_base& conn);

  Enqueued enqueue(pqxx::transaction_base& tx, const NewJob& job) const;
  // One INSERT for the whole batch; one NOTIFY per distinct kind. Results are
  // in input order.
  std::vector<Enqueued> enqueue_many(pqxx::transaction_base& tx, const std::vector<NewJob>& jobs) const;

  // Claims up to `n` jobs of the given kinds (kinds are tried in the order
  // given) and leases them to `worker` for `lease`.
  std::vector<Job> claim(pqxx::transaction_base& tx, const std::vector<std::string>& kinds, const std::string& worker,
                         int n, std::chrono::milliseconds lease) const;

  // complete() then claim() in one statement and one asynchronous commit (run
  // it in a pqxx::nontransaction: autocommit). The worker runtime's hot path;
  // see the statement's comment for why an asynchronous commit is safe here.
  CompleteAndClaim complete_and_claim(pqxx::transaction_base& tx, const std::vector<int64_t>& finished,
                                      const std::vector<std::string>& kinds, const std::string& worker, int n,
                                      std::chrono::milliseconds lease) const;

  // Extends the leases of jobs still held by `worker`; returns how many.
  int heartbeat(pqxx::transaction_base& tx, const std::vector<int64_t>& ids, const std::string& worker,
                std::chrono::milliseconds lease) const;

  // Marks jobs done if `worker` still holds them; returns how many were.
  // A job whose lease was lost (rescued, cancelled) is left alone.
  int complete(pqxx::transaction_base& tx, const std::vector<int64_t>& ids, const std::string& worker) const;

  // Records a failure. Retries with backoff while attempts remain, unless
  // `permanent`; otherwise the job is dead. The error is kept as last_error,
  // its code (e.g. "no_transcript"; empty: none) as reason.
  FailResult fail(pqxx::transaction_base& tx, const Job& job, const std::string& worker, const std::string& error,
                  bool permanent, const std::string& reason = "") const;

  // Hands running jobs back to the queue without counting the attempt (a
  // worker shutting down before it could finish them).
  int release(pqxx::transaction_base& tx, const std::vector<int64_t>& ids, const std::string& worker) const;

  // Puts a running job back to wait until `until` without counting the
  // attempt: the job could not run for a reason outside it (e.g. YouTube is
  // throttling every replica). Returns false if the job is no longer ours.
  bool snooze(pqxx::transaction_base& tx, int64_t id, const std::string& worker, Clock::time_point until,
              const std::string& reason) const;

  // Running jobs whose lease expired go back to queued (or dead when their
  // attempts are used up). Wakes the kinds' workers.
  std::vector<Rescued> rescue(pqxx::transaction_base& tx, int limit = 1000) const;

  // Admin operations; false when the job is not in a state they apply to.
  bool cancel(pqxx::transaction_base& tx, int64_t id) const;
  // dead, failed or cancelled -> queued now, attempts reset.
  bool retry(pqxx::transaction_base& tx, int64_t id) const;

  // Deletes up to `limit` finished jobs past retention; returns how many.
  // Call repeatedly in short transactions (no long locks).
  int prune(pqxx::transaction_base& tx, const Retention& retention, int limit = 1000) const;

  // The job's status, or nullopt when there is no such job.
  std::optional<std::string> status(pqxx::transaction_base& tx, int64_t id) const;

  std::vector<KindStats> stats(pqxx::transaction_base& tx) const;
  // The newest jobs about `subject` (jobs_subject index), newest first.
  std::vector<JobSummary> jobs_for_subject(pqxx::transaction_base& tx, const std::string& subject,
                                           int limit = 50) const;

  std::vector<DeadJob> dead_jobs(pqxx::transaction_base& tx, int limit = 20) const;

  // The NOTIFY channel for a kind.
  static std::string channel(const std::string& kind);

 private:
  std::optional<std::string> now() const;
  const Clock* clock_;
  Backoff retry_backoff_;
};

}  // namespace td::queue
