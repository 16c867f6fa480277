#include "queue/queue.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "db/sql.h"
#include "db/statements.h"
#include "queue/time.h"

namespace td::queue {

namespace {

// Named statements on the jobs table. $now parameters are NULL for database
// time; see time.h.
using db::Statement;

// Pending = queued, running or waiting for a retry: the states in which a
// dedup key is taken (jobs_dedup_pending).
#define TD_PENDING "('queued', 'running', 'failed')"

// The claim, written once for both statements that claim: the CTEs
// `picked` and `claimed` (id, kind, payload, attempts, max_attempts,
// priority, subject, created, run), with the parameters' numbers as given.
// `picked` is an ordered range scan of jobs_claimable for one kind. The
// UPDATE finds the picked rows with id = ANY(ARRAY(...)), a primary key
// lookup: joined to the CTE instead, a generic plan (which cannot see that
// LIMIT is small) hashes the picked ids against a scan of the whole table,
// and claims slow down as the table grows. (One kind per statement: with
// kind = ANY(array) the planner cannot use the index order and would sort
// every waiting job of those kinds.)
#define TD_CLAIM(KIND, WORKER, LIMIT, NOW, LEASE)                                                                  \
  "picked AS (\n"                                                                                                  \
  "  SELECT id FROM jobs\n"                                                                                        \
  "   WHERE kind = " KIND " AND status IN ('queued', 'failed') AND run_at <= coalesce(" NOW                        \
  "::timestamptz, now())\n"                                                                                        \
  "   ORDER BY priority, run_at, id\n"                                                                             \
  "   LIMIT " LIMIT                                                                                                \
  "\n"                                                                                                             \
  "   FOR UPDATE SKIP LOCKED\n"                                                                                    \
  "), claimed AS (\n"                                                                                              \
  "  UPDATE jobs j\n"                                                                                              \
  "     SET status = 'running', attempts = j.attempts + 1, lease_owner = " WORKER                                  \
  ",\n"                                                                                                            \
  "         lease_expires_at = coalesce(" NOW "::timestamptz, now()) + " LEASE                                     \
  " * interval '1 millisecond',\n"                                                                                 \
  "         started_at = coalesce(" NOW                                                                            \
  "::timestamptz, now()), finished_at = NULL\n"                                                                    \
  "   WHERE j.id = ANY(ARRAY(SELECT id FROM picked))\n"                                                            \
  "  RETURNING j.id, j.kind, j.payload, j.attempts, j.max_attempts, j.priority, j.subject,\n"                      \
  "            extract(epoch FROM j.created_at)::float8 AS created, extract(epoch FROM j.run_at)::float8 AS run\n" \
  ")"

constexpr Statement kStatements[] = {
    // Batch insert. Ids are drawn in the input CTE, so each input row knows
    // its id whether or not the insert skipped it for a dedup conflict; the
    // LATERAL finds the pending job that took the key (when it is visible to
    // this statement's snapshot; the caller resolves the rest).
    {"td_job_enqueue_many", R"SQL(
WITH input AS (
  SELECT nextval('jobs_id_seq') AS id, t.*
    FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[], $5::float8[], $6::int[], $7::text[], $8::text[])
         WITH ORDINALITY AS t(kind, payload, priority, run_at_epoch, delay_ms, max_attempts, dedup_key, subject, ord)
), ins AS (
  INSERT INTO jobs (id, kind, payload, priority, run_at, max_attempts, dedup_key, subject, created_at)
  SELECT id, kind, payload, priority,
         coalesce(to_timestamp(run_at_epoch), coalesce($9::timestamptz, now())) + delay_ms * interval '1 millisecond',
         max_attempts, dedup_key, subject, coalesce($9::timestamptz, now())
    FROM input ORDER BY ord
  ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL AND status IN )SQL" TD_PENDING R"SQL( DO NOTHING
  RETURNING id
)
SELECT i.ord, ins.id AS created_id, existing.id AS existing_id
  FROM input i
  LEFT JOIN ins ON ins.id = i.id
  LEFT JOIN LATERAL (
    SELECT j.id FROM jobs j
     WHERE ins.id IS NULL AND j.dedup_key = i.dedup_key AND j.status IN )SQL" TD_PENDING R"SQL(
     LIMIT 1) existing ON true
 ORDER BY i.ord)SQL"},

    {"td_job_find_pending_by_key", R"SQL(
SELECT id FROM jobs WHERE dedup_key = $1 AND status IN )SQL" TD_PENDING R"SQL( LIMIT 1)SQL"},

    {"td_job_notify", "SELECT pg_notify($1, '')"},

    // A claim on its own, in the caller's transaction.
    {"td_job_claim", "WITH " TD_CLAIM("$1", "$2", "$3", "$4", "$5") "\nSELECT * FROM claimed"},

    // The worker runtime's round trip: complete the jobs it finished and
    // claim the next ones in one autocommit statement. Its commit is
    // asynchronous (set_config is transaction-local): if the server crashes
    // in the next few hundred ms, the claim or the completion may be lost,
    // and the job then runs again, which at-least-once delivery allows.
    // Handlers that store results complete inside their own (synchronous)
    // transaction with JobContext::complete_in, so no result is ever lost.
    // The `sync` CTE is the outer side of the join so it is always evaluated.
    {"td_job_complete_and_claim", R"SQL(
WITH sync AS (SELECT set_config('synchronous_commit', 'off', true) AS v),
done AS (
  UPDATE jobs SET status = 'done', finished_at = coalesce($4::timestamptz, now()), lease_expires_at = NULL
   WHERE id = ANY($1::bigint[]) AND status = 'running' AND lease_owner = $2
  RETURNING id
), )SQL" TD_CLAIM("$3", "$2", "$5", "$4", "$6") R"SQL(
SELECT (SELECT count(*) FROM done), sync.v, c.* FROM sync LEFT JOIN claimed c ON true)SQL"},

    // Skips rows locked right now (a slot completing them): a heartbeat never
    // waits, so it cannot deadlock with a batch completion that locks the
    // same rows in another order.
    {"td_job_heartbeat", R"SQL(
UPDATE jobs SET lease_expires_at = coalesce($3::timestamptz, now()) + $4 * interval '1 millisecond'
 WHERE id = ANY(ARRAY(
   SELECT id FROM jobs WHERE id = ANY($1::bigint[]) AND status = 'running' AND lease_owner = $2
      FOR UPDATE SKIP LOCKED)))SQL"},

    {"td_job_complete", R"SQL(
UPDATE jobs SET status = 'done', finished_at = coalesce($3::timestamptz, now()), lease_expires_at = NULL
 WHERE id = ANY($1::bigint[]) AND status = 'running' AND lease_owner = $2)SQL"},

    // $5: the delay before the retry, computed by the caller's backoff.
    {"td_job_fail", R"SQL(
UPDATE jobs
   SET status = CASE WHEN $4::boolean OR attempts >= max_attempts THEN 'dead' ELSE 'failed' END,
       run_at = CASE WHEN $4::boolean OR attempts >= max_attempts THEN run_at
                     ELSE coalesce($6::timestamptz, now()) + $5 * interval '1 millisecond' END,
       finished_at = CASE WHEN $4::boolean OR attempts >= max_attempts THEN coalesce($6::timestamptz, now()) END,
       last_error = $3, reason = $7, lease_expires_at = NULL
 WHERE id = $1 AND status = 'running' AND lease_owner = $2
RETURNING status, extract(epoch FROM run_at)::float8)SQL"},

    {"td_job_release", R"SQL(
UPDATE jobs
   SET status = 'queued', attempts = greatest(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL,
       run_at = coalesce($3::timestamptz, now())
 WHERE id = ANY($1::bigint[]) AND status = 'running' AND lease_owner = $2
RETURNING kind)SQL"},

    {"td_job_snooze", R"SQL(
UPDATE jobs
   SET status = 'queued', attempts = greatest(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL,
       run_at = to_timestamp($3::float8), last_error = $4
 WHERE id = $1 AND status = 'running' AND lease_owner = $2)SQL"},

    {"td_job_rescue", R"SQL(
WITH expired AS (
  SELECT id FROM jobs
   WHERE status = 'running' AND lease_expires_at < coalesce($1::timestamptz, now())
   ORDER BY lease_expires_at
   LIMIT $2
   FOR UPDATE SKIP LOCKED
)
UPDATE jobs j
   SET status = CASE WHEN j.attempts >= j.max_attempts THEN 'dead' ELSE 'queued' END,
       finished_at = CASE WHEN j.attempts >= j.max_attempts THEN coalesce($1::timestamptz, now()) END,
       run_at = coalesce($1::timestamptz, now()),
       last_error = 'lease expired: worker ' || coalesce(j.lease_owner, '?') || ' stopped heartbeating during attempt '
                    || j.attempts,
       reason = 'lease_expired', lease_expires_at = NULL
 WHERE j.id = ANY(ARRAY(SELECT id FROM expired))
RETURNING j.id, j.kind, coalesce(j.lease_owner, ''), j.attempts, j.status = 'dead')SQL"},

    {"td_job_cancel", R"SQL(
UPDATE jobs SET status = 'cancelled', finished_at = coalesce($2::timestamptz, now()), lease_expires_at = NULL
 WHERE id = $1 AND status IN )SQL" TD_PENDING R"SQL(
RETURNING id)SQL"},

    {"td_job_retry", R"SQL(
UPDATE jobs
   SET status = 'queued', attempts = 0, run_at = coalesce($2::timestamptz, now()), finished_at = NULL,
       lease_owner = NULL, lease_expires_at = NULL
 WHERE id = $1 AND status IN ('dead', 'failed', 'cancelled')
RETURNING kind)SQL"},

    // Pruning in small batches through jobs_finished.
    {"td_job_prune", R"SQL(
DELETE FROM jobs WHERE id IN (
  SELECT id FROM jobs
   WHERE (status IN ('done', 'cancelled') AND finished_at < coalesce($3::timestamptz, now()) - $1 * interval '1 second')
      OR (status = 'dead' AND finished_at < coalesce($3::timestamptz, now()) - $2 * interval '1 second')
   LIMIT $4))SQL"},

    // Each part reads one partial index; finished jobs are never scanned.
    {"td_job_stats", R"SQL(
SELECT kind,
       count(*) FILTER (WHERE status = 'queued' OR (status = 'failed' AND run_at <= coalesce($1::timestamptz, now()))),
       count(*) FILTER (WHERE status = 'failed' AND run_at > coalesce($1::timestamptz, now())),
       0::bigint, 0::bigint,
       coalesce(extract(epoch FROM coalesce($1::timestamptz, now()) - min(run_at)
                FILTER (WHERE run_at <= coalesce($1::timestamptz, now()))), 0)::float8
  FROM jobs WHERE status IN ('queued', 'failed') GROUP BY kind
UNION ALL
SELECT kind, 0, 0, count(*), 0, 0 FROM jobs WHERE status = 'running' GROUP BY kind
UNION ALL
SELECT kind, 0, 0, 0, count(*), 0 FROM jobs WHERE status = 'dead' GROUP BY kind)SQL"},

    {"td_job_status", "SELECT status FROM jobs WHERE id = $1"},

    {"td_job_by_subject", R"SQL(
SELECT id, kind, status, attempts, max_attempts, payload, last_error, extract(epoch FROM created_at)::float8,
       extract(epoch FROM finished_at)::float8, reason
  FROM jobs WHERE subject = $1 ORDER BY id DESC LIMIT $2)SQL"},

    {"td_job_dead_list", R"SQL(
SELECT id, kind, attempts, coalesce(last_error, ''), subject, extract(epoch FROM finished_at)::float8,
       coalesce(reason, '')
  FROM jobs WHERE status = 'dead' ORDER BY finished_at DESC LIMIT $1)SQL"},
};

#undef TD_PENDING
#undef TD_CLAIM

// Reads a claimed job from columns at..at+8 of a row.
Job job_from_row(const pqxx::row& r, pqxx::row::size_type at = 0) {
  Job j;
  j.id = r[at].as<int64_t>();
  j.kind = r[at + 1].as<std::string>();
  j.payload = r[at + 2].as<std::string>();
  j.attempt = r[at + 3].as<int>();
  j.max_attempts = r[at + 4].as<int>();
  j.priority = r[at + 5].as<int>();
  if (!r[at + 6].is_null()) j.subject = r[at + 6].as<std::string>();
  j.created_at = from_epoch(r[at + 7].as<double>());
  j.run_at = from_epoch(r[at + 8].as<double>());
  return j;
}

void sort_claimed(std::vector<Job>& jobs) {
  // UPDATE ... RETURNING does not promise the CTE's order.
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
    return std::tie(a.priority, a.run_at, a.id) < std::tie(b.priority, b.run_at, b.id);
  });
}

}  // namespace

Queue::Queue(const Clock* clock, Backoff retry_backoff) : clock_(clock), retry_backoff_(retry_backoff) {}

void Queue::prepare(pqxx::connection_base& conn) { db::register_statements(conn, kStatements); }

std::string Queue::channel(const std::string& kind) { return "td_jobs_" + kind; }

std::optional<std::string> Queue::now() const { return now_param(clock_); }

Enqueued Queue::enqueue(pqxx::transaction_base& tx, const NewJob& job) const { return enqueue_many(tx, {job}).at(0); }

std::vector<Enqueued> Queue::enqueue_many(pqxx::transaction_base& tx, const std::vector<NewJob>& jobs) const {
  std::vector<Enqueued> out(jobs.size());
  if (jobs.empty()) return out;
  std::vector<std::string> kinds, payloads;
  std::vector<int> priorities, max_attempts;
  std::vector<std::optional<std::string>> run_ats, delays, keys, subjects;
  for (const auto& j : jobs) {
    if (j.kind.empty()) throw std::invalid_argument("enqueue: job kind is empty");
    kinds.push_back(j.kind);
    payloads.push_back(j.payload);
    priorities.push_back(j.options.priority);
    max_attempts.push_back(std::max(1, j.options.max_attempts));
    if (j.options.run_at) {
      auto secs = std::chrono::duration<double>(j.options.run_at->time_since_epoch()).count();
      run_ats.push_back(std::to_string(secs));
    } else {
      run_ats.push_back(std::nullopt);
    }
    delays.push_back(std::to_string(j.options.delay.count()));
    keys.push_back(j.options.dedup_key);
    subjects.push_back(j.options.subject);
  }
  auto now = this->now();
  auto rows = tx.exec_prepared("td_job_enqueue_many", db::array_literal(kinds), db::array_literal(payloads),
                               db::array_literal(priorities), db::array_literal(run_ats), db::array_literal(delays),
                               db::array_literal(max_attempts), db::array_literal(keys), db::array_literal(subjects),
                               db::nullable(now));

  std::set<std::string> woken;
  std::map<std::string, int64_t> created_by_key;
  std::vector<size_t> unresolved;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    size_t idx = r[0].as<size_t>() - 1;
    if (!r[1].is_null()) {
      out[idx] = {r[1].as<int64_t>(), true};
      woken.insert(jobs[idx].kind);
      if (jobs[idx].options.dedup_key) created_by_key.emplace(*jobs[idx].options.dedup_key, out[idx].id);
    } else if (!r[2].is_null()) {
      out[idx] = {r[2].as<int64_t>(), false};
    } else {
      unresolved.push_back(idx);
    }
  }
  // A skipped row whose key holder this statement could not see: an earlier
  // row of the same batch, or a job another transaction committed while we
  // ran. Look again with a fresh statement; if that job has finished in the
  // meantime, the key is free and the job is inserted after all.
  for (size_t idx : unresolved) {
    const auto& key = *jobs[idx].options.dedup_key;
    if (auto it = created_by_key.find(key); it != created_by_key.end()) {
      out[idx] = {it->second, false};
      continue;
    }
    auto found = tx.exec_prepared("td_job_find_pending_by_key", key);
    if (!found.empty()) {
      out[idx] = {found[0][0].as<int64_t>(), false};
    } else {
      out[idx] = enqueue(tx, jobs[idx]);
      if (out[idx].created) woken.insert(jobs[idx].kind);
    }
  }
  for (const auto& kind : woken) tx.exec_prepared("td_job_notify", channel(kind));
  return out;
}

std::vector<Job> Queue::claim(pqxx::transaction_base& tx, const std::vector<std::string>& kinds,
                              const std::string& worker, int n, std::chrono::milliseconds lease) const {
  std::vector<Job> out;
  auto now = this->now();
  for (const auto& kind : kinds) {
    int want = n - static_cast<int>(out.size());
    if (want <= 0) break;
    auto rows = tx.exec_prepared("td_job_claim", kind, worker, want, db::nullable(now), lease.count());
    for (const auto& r : rows) out.push_back(job_from_row(r));
  }
  sort_claimed(out);
  return out;
}

CompleteAndClaim Queue::complete_and_claim(pqxx::transaction_base& tx, const std::vector<int64_t>& finished,
                                           const std::vector<std::string>& kinds, const std::string& worker, int n,
                                           std::chrono::milliseconds lease) const {
  CompleteAndClaim out;
  auto now = this->now();
  auto rows = tx.exec_prepared("td_job_complete_and_claim", db::array_literal(finished), worker, kinds.at(0),
                               db::nullable(now), std::max(n, 0), lease.count());
  out.completed = rows[0][0].as<int>();
  for (const auto& r : rows)
    if (!r[2].is_null()) out.claimed.push_back(job_from_row(r, 2));
  // Further kinds (rare: a worker serving several) are claimed one by one.
  if (kinds.size() > 1 && static_cast<int>(out.claimed.size()) < n) {
    auto more = claim(tx, {kinds.begin() + 1, kinds.end()}, worker, n - static_cast<int>(out.claimed.size()), lease);
    out.claimed.insert(out.claimed.end(), more.begin(), more.end());
  }
  sort_claimed(out.claimed);
  return out;
}

int Queue::heartbeat(pqxx::transaction_base& tx, const std::vector<int64_t>& ids, const std::string& worker,
                     std::chrono::milliseconds lease) const {
  if (ids.empty()) return 0;
  auto now = this->now();
  return static_cast<int>(
      tx.exec_prepared("td_job_heartbeat", db::array_literal(ids), worker, db::nullable(now), lease.count())
          .affected_rows());
}

int Queue::complete(pqxx::transaction_base& tx, const std::vector<int64_t>& ids, const std::string& worker) const {
  if (ids.empty()) return 0;
  auto now = this->now();
  return static_cast<int>(
      tx.exec_prepared("td_job_complete", db::array_literal(ids), worker, db::nullable(now)).affected_rows());
}

FailResult Queue::fail(pqxx::transaction_base& tx, const Job& job, const std::string& worker, const std::string& error,
                       bool permanent, const std::string& reason) const {
  auto now = this->now();
  auto delay = retry_backoff_.delay(job.attempt);
  auto rows = tx.exec_prepared("td_job_fail", job.id, worker, error, permanent, delay.count(), db::nullable(now),
                               reason.empty() ? nullptr : reason.c_str());
  FailResult r;
  if (rows.empty()) return r;
  if (rows[0][0].as<std::string>() == "dead") {
    r.outcome = FailOutcome::dead;
  } else {
    r.outcome = FailOutcome::retry_scheduled;
    r.retry_at = from_epoch(rows[0][1].as<double>());
  }
  return r;
}

int Queue::release(pqxx::transaction_base& tx, const std::vector<int64_t>& ids, const std::string& worker) const {
  if (ids.empty()) return 0;
  auto now = this->now();
  auto rows = tx.exec_prepared("td_job_release", db::array_literal(ids), worker, db::nullable(now));
  std::set<std::string> kinds;
  for (const auto& r : rows) kinds.insert(r[0].as<std::string>());
  for (const auto& k : kinds) tx.exec_prepared("td_job_notify", channel(k));
  return static_cast<int>(rows.size());
}

bool Queue::snooze(pqxx::transaction_base& tx, int64_t id, const std::string& worker, Clock::time_point until,
                   const std::string& reason) const {
  double at = std::chrono::duration<double>(until.time_since_epoch()).count();
  return tx.exec_prepared("td_job_snooze", id, worker, at, reason).affected_rows() > 0;
}

std::vector<Rescued> Queue::rescue(pqxx::transaction_base& tx, int limit) const {
  auto now = this->now();
  auto rows = tx.exec_prepared("td_job_rescue", db::nullable(now), limit);
  std::vector<Rescued> out;
  std::set<std::string> kinds;
  for (const auto& r : rows) {
    out.push_back(
        {r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<int>(), r[4].as<bool>()});
    if (!out.back().dead) kinds.insert(out.back().kind);
  }
  for (const auto& k : kinds) tx.exec_prepared("td_job_notify", channel(k));
  return out;
}

bool Queue::cancel(pqxx::transaction_base& tx, int64_t id) const {
  auto now = this->now();
  return !tx.exec_prepared("td_job_cancel", id, db::nullable(now)).empty();
}

bool Queue::retry(pqxx::transaction_base& tx, int64_t id) const {
  auto now = this->now();
  auto rows = tx.exec_prepared("td_job_retry", id, db::nullable(now));
  if (rows.empty()) return false;
  tx.exec_prepared("td_job_notify", channel(rows[0][0].as<std::string>()));
  return true;
}

int Queue::prune(pqxx::transaction_base& tx, const Retention& retention, int limit) const {
  auto now = this->now();
  return static_cast<int>(tx.exec_prepared("td_job_prune", static_cast<int64_t>(retention.finished.count()),
                                           static_cast<int64_t>(retention.dead.count()), db::nullable(now), limit)
                              .affected_rows());
}

std::vector<KindStats> Queue::stats(pqxx::transaction_base& tx) const {
  auto now = this->now();
  std::map<std::string, KindStats> by_kind;
  for (const auto& r : tx.exec_prepared("td_job_stats", db::nullable(now))) {
    auto& s = by_kind[r[0].as<std::string>()];
    s.kind = r[0].as<std::string>();
    s.queued += r[1].as<int64_t>();
    s.retrying += r[2].as<int64_t>();
    s.running += r[3].as<int64_t>();
    s.dead += r[4].as<int64_t>();
    s.oldest_queued_age_s = std::max(s.oldest_queued_age_s, r[5].as<double>());
  }
  std::vector<KindStats> out;
  for (auto& [_, s] : by_kind) out.push_back(s);
  return out;
}

std::optional<std::string> Queue::status(pqxx::transaction_base& tx, int64_t id) const {
  auto rows = tx.exec_prepared("td_job_status", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

namespace {
constexpr std::pair<JobStatus, std::string_view> kStatusNames[] = {
    {JobStatus::queued, "queued"}, {JobStatus::running, "running"}, {JobStatus::failed, "failed"},
    {JobStatus::done, "done"},     {JobStatus::dead, "dead"},       {JobStatus::cancelled, "cancelled"}};
}  // namespace

std::string_view to_string(JobStatus status) {
  for (const auto& [s, name] : kStatusNames)
    if (s == status) return name;
  return "unknown";
}

std::optional<JobStatus> parse_job_status(std::string_view name) {
  for (const auto& [s, n] : kStatusNames)
    if (n == name) return s;
  return std::nullopt;
}

std::vector<JobSummary> Queue::jobs_for_subject(pqxx::transaction_base& tx, const std::string& subject,
                                                int limit) const {
  std::vector<JobSummary> out;
  for (const auto& r : tx.exec_prepared("td_job_by_subject", subject, limit)) {
    auto status = parse_job_status(r[2].as<std::string>());
    if (!status)
      throw std::runtime_error("job " + r[0].as<std::string>() + " has an unknown status " + r[2].as<std::string>());
    JobSummary j{r[0].as<int64_t>(), r[1].as<std::string>(), *status,      r[3].as<int>(),
                 r[4].as<int>(),     r[5].as<std::string>(), std::nullopt, from_epoch(r[7].as<double>()),
                 std::nullopt};
    if (!r[6].is_null()) j.last_error = r[6].as<std::string>();
    if (!r[8].is_null()) j.finished_at = from_epoch(r[8].as<double>());
    if (!r[9].is_null()) j.reason = r[9].as<std::string>();
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<DeadJob> Queue::dead_jobs(pqxx::transaction_base& tx, int limit) const {
  std::vector<DeadJob> out;
  for (const auto& r : tx.exec_prepared("td_job_dead_list", limit)) {
    DeadJob d{r[0].as<int64_t>(), r[1].as<std::string>(),        r[2].as<int>(),        r[3].as<std::string>(),
              std::nullopt,       from_epoch(r[5].as<double>()), r[6].as<std::string>()};
    if (!r[4].is_null()) d.subject = r[4].as<std::string>();
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace td::queue
