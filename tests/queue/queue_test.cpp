#include <doctest/doctest.h>

#include <map>
#include <set>
#include <thread>

#include "queue/queue.h"
#include "support/helpers.h"
#include "support/pg.h"

using namespace std::chrono_literals;
using td::queue::NewJob;
using td::queue::Queue;

namespace {

struct Fixture {
  td::test::TestDatabase db{"queue"};
  std::unique_ptr<pqxx::connection> conn = td::test::migrated_connection(db.url());
  td::ManualClock clock;
  Queue queue{&clock, td::Backoff{10s, 1h, 0.25}};

  int64_t add(const std::string& kind, td::queue::EnqueueOptions o = {}) {
    pqxx::work tx(*conn);
    auto r = queue.enqueue(tx, {kind, "{}", o});
    tx.commit();
    return r.id;
  }
  std::vector<td::queue::Job> claim(const std::string& kind, int n, std::chrono::milliseconds lease = 30s,
                                    const std::string& worker = "w1") {
    pqxx::work tx(*conn);
    auto jobs = queue.claim(tx, {kind}, worker, n, lease);
    tx.commit();
    return jobs;
  }
  std::string status(int64_t id) {
    pqxx::read_transaction tx(*conn);
    return queue.status(tx, id).value_or("missing");
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "ClaimOrder: priority, then run_at, then id; delayed jobs wait for their time") {
  auto low = add("k", {.priority = 200});
  auto first = add("k", {.priority = 10});
  auto second = add("k", {.priority = 10});
  auto later = add("k", {.priority = 1, .delay = 60s});
  auto jobs = claim("k", 10);
  REQUIRE(jobs.size() == 3);
  CHECK(jobs[0].id == first);
  CHECK(jobs[1].id == second);
  CHECK(jobs[2].id == low);
  CHECK(jobs[0].attempt == 1);
  CHECK(claim("k", 10).empty());
  clock.advance(61s);
  auto delayed = claim("k", 10);
  REQUIRE(delayed.size() == 1);
  CHECK(delayed[0].id == later);
}

TEST_CASE_FIXTURE(Fixture, "ClaimsAreDisjoint: two workers never get the same job") {
  for (int i = 0; i < 20; ++i) add("k");
  pqxx::connection other(db.url());
  Queue::prepare(other);
  pqxx::work tx1(*conn);
  auto a = queue.claim(tx1, {"k"}, "w1", 15, 30s);
  pqxx::work tx2(other);  // tx1 still holds its row locks: SKIP LOCKED passes them
  auto b = queue.claim(tx2, {"k"}, "w2", 15, 30s);
  tx1.commit();
  tx2.commit();
  CHECK(a.size() == 15);
  CHECK(b.size() == 5);
  std::set<int64_t> ids;
  for (auto& j : a) ids.insert(j.id);
  for (auto& j : b) ids.insert(j.id);
  CHECK(ids.size() == 20);
}

TEST_CASE_FIXTURE(Fixture, "DedupKey: a pending job with the key is returned instead of a new one") {
  td::queue::EnqueueOptions o{.dedup_key = "video:abc"};
  pqxx::work tx(*conn);
  auto a = queue.enqueue(tx, {"k", "{}", o});
  auto b = queue.enqueue(tx, {"k", "{}", o});
  // Same key twice inside one batch, plus one without a key.
  auto batch = queue.enqueue_many(
      tx, {{"k", "{}", {.dedup_key = "video:xyz"}}, {"k", "{}", {.dedup_key = "video:xyz"}}, {"k", "{}", {}}});
  tx.commit();
  CHECK(a.created);
  CHECK_FALSE(b.created);
  CHECK(a.id == b.id);
  CHECK(batch[0].created);
  CHECK_FALSE(batch[1].created);
  CHECK(batch[1].id == batch[0].id);
  CHECK(batch[2].created);

  // Running still counts as pending; once done the key is free again.
  auto jobs = claim("k", 10);
  CHECK(jobs.size() == 3);
  CHECK(add("k", o) == a.id);
  {
    pqxx::work t(*conn);
    CHECK(queue.complete(t, {a.id}, "w1") == 1);
    t.commit();
  }
  auto again = add("k", o);
  CHECK(again != a.id);
}

TEST_CASE_FIXTURE(Fixture, "DedupKey: a concurrent transaction holding the key is seen after it commits") {
  pqxx::connection other(db.url());
  Queue::prepare(other);
  pqxx::work t1(*conn);
  auto first = queue.enqueue(t1, {"k", "{}", {.dedup_key = "same"}});
  std::optional<td::queue::Enqueued> second;
  std::thread racer([&] {
    pqxx::work t2(other);
    second = queue.enqueue(t2, {"k", "{}", {.dedup_key = "same"}});  // waits on t1's unique entry
    t2.commit();
  });
  std::this_thread::sleep_for(200ms);
  t1.commit();
  racer.join();
  REQUIRE(second);
  CHECK_FALSE(second->created);
  CHECK(second->id == first.id);
}

TEST_CASE_FIXTURE(Fixture, "RetryBackoff: failures wait base*2^(n-1) (jittered down by at most 25%), then dead") {
  auto id = add("k", {.max_attempts = 3});
  auto start = clock.now();
  auto jobs = claim("k", 1);
  REQUIRE(jobs.size() == 1);

  pqxx::work tx(*conn);
  auto r1 = queue.fail(tx, jobs[0], "w1", "boom 1", false);
  tx.commit();
  REQUIRE(r1.outcome == td::queue::FailOutcome::retry_scheduled);
  auto wait1 = std::chrono::duration_cast<std::chrono::milliseconds>(*r1.retry_at - start);
  CHECK(wait1 >= 7500ms);
  CHECK(wait1 <= 10000ms);
  CHECK(status(id) == "failed");

  clock.advance(wait1 - 100ms);
  CHECK(claim("k", 1).empty());  // not yet
  clock.advance(200ms);
  jobs = claim("k", 1);
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].attempt == 2);

  auto t2 = clock.now();
  pqxx::work tx2(*conn);
  auto r2 = queue.fail(tx2, jobs[0], "w1", "boom 2", false);
  tx2.commit();
  auto wait2 = std::chrono::duration_cast<std::chrono::milliseconds>(*r2.retry_at - t2);
  CHECK(wait2 >= 15000ms);
  CHECK(wait2 <= 20000ms);

  clock.advance(wait2 + 1ms);
  jobs = claim("k", 1);
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].attempt == 3);
  pqxx::work tx3(*conn);
  auto r3 = queue.fail(tx3, jobs[0], "w1", "boom 3", false);
  tx3.commit();
  CHECK(r3.outcome == td::queue::FailOutcome::dead);
  CHECK(status(id) == "dead");

  pqxx::read_transaction rt(*conn);
  auto dead = queue.dead_jobs(rt);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].id == id);
  CHECK(dead[0].last_error == "boom 3");
  CHECK(dead[0].attempts == 3);
}

TEST_CASE_FIXTURE(Fixture, "PermanentFailure: no retry however many attempts remain") {
  auto id = add("k", {.max_attempts = 10});
  auto jobs = claim("k", 1);
  pqxx::work tx(*conn);
  CHECK(queue.fail(tx, jobs[0], "w1", "bad input", true).outcome == td::queue::FailOutcome::dead);
  tx.commit();
  CHECK(status(id) == "dead");
}

TEST_CASE_FIXTURE(Fixture, "Rescue: an expired lease puts the job back, attempt counted; exhausted ones die") {
  auto id = add("k", {.max_attempts = 2});
  auto jobs = claim("k", 1, 5s, "crashed-worker");
  REQUIRE(jobs.size() == 1);
  {
    pqxx::work tx(*conn);
    CHECK(queue.rescue(tx).empty());  // lease still valid
    tx.commit();
  }
  clock.advance(6s);
  {
    pqxx::work tx(*conn);
    auto rescued = queue.rescue(tx);
    tx.commit();
    REQUIRE(rescued.size() == 1);
    CHECK(rescued[0].id == id);
    CHECK(rescued[0].previous_owner == "crashed-worker");
    CHECK_FALSE(rescued[0].dead);
  }
  CHECK(status(id) == "queued");
  // The old owner can no longer complete it.
  {
    pqxx::work tx(*conn);
    CHECK(queue.complete(tx, {id}, "crashed-worker") == 0);
    tx.commit();
  }
  jobs = claim("k", 1, 5s, "w2");
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].attempt == 2);
  clock.advance(6s);
  pqxx::work tx(*conn);
  auto rescued = queue.rescue(tx);
  tx.commit();
  REQUIRE(rescued.size() == 1);
  CHECK(rescued[0].dead);
  CHECK(status(id) == "dead");
}

TEST_CASE_FIXTURE(Fixture, "HeartbeatKeepsTheLease") {
  auto id = add("k");
  claim("k", 1, 5s);
  for (int i = 0; i < 4; ++i) {
    clock.advance(4s);
    pqxx::work tx(*conn);
    CHECK(queue.heartbeat(tx, {id}, "w1", 5s) == 1);
    CHECK(queue.rescue(tx).empty());
    tx.commit();
  }
  CHECK(status(id) == "running");
}

TEST_CASE_FIXTURE(Fixture, "CancelRetryRelease") {
  auto a = add("k");
  auto b = add("k");
  {
    pqxx::work tx(*conn);
    CHECK(queue.cancel(tx, a));
    CHECK_FALSE(queue.cancel(tx, a));  // already cancelled
    CHECK(queue.retry(tx, a));
    tx.commit();
  }
  CHECK(status(a) == "queued");
  auto jobs = claim("k", 2);
  REQUIRE(jobs.size() == 2);
  {
    pqxx::work tx(*conn);
    CHECK(queue.release(tx, {a, b}, "someone-else") == 0);
    CHECK(queue.release(tx, {a, b}, "w1") == 2);
    tx.commit();
  }
  jobs = claim("k", 2);
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].attempt == 1);  // a hand-back does not count an attempt
  pqxx::work tx(*conn);
  CHECK_FALSE(queue.retry(tx, b));  // running: nothing to retry
}

TEST_CASE_FIXTURE(Fixture, "Prune: finished jobs past retention go, in batches; pending and recent ones stay") {
  for (int i = 0; i < 25; ++i) add("k");
  auto jobs = claim("k", 20);
  std::vector<int64_t> ids;
  for (auto& j : jobs) ids.push_back(j.id);
  {
    pqxx::work tx(*conn);
    queue.complete(tx, ids, "w1");
    tx.commit();
  }
  clock.advance(25h);
  td::queue::Retention keep{std::chrono::hours(24), std::chrono::hours(24 * 7)};
  int total = 0;
  for (;;) {
    pqxx::work tx(*conn);
    int n = queue.prune(tx, keep, 7);
    tx.commit();
    CHECK(n <= 7);
    total += n;
    if (n < 7) break;
  }
  CHECK(total == 20);
  pqxx::read_transaction tx(*conn);
  auto stats = queue.stats(tx);
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].queued == 5);
  CHECK(stats[0].oldest_queued_age_s >= 25 * 3600 - 1);
}

TEST_CASE_FIXTURE(Fixture, "Notify: one notification per kind per transaction, delivered at commit") {
  pqxx::connection listener(db.url());
  struct Counter : pqxx::notification_receiver {
    int n = 0;
    using pqxx::notification_receiver::notification_receiver;
    void operator()(const std::string&, int) override { ++n; }
  } a(listener, Queue::channel("alpha")), b(listener, Queue::channel("beta"));
  listener.get_notifs();

  std::vector<NewJob> batch;
  for (int i = 0; i < 500; ++i) batch.push_back({i % 2 ? "alpha" : "beta", "{}", {}});
  pqxx::work tx(*conn);
  queue.enqueue_many(tx, batch);
  queue.enqueue(tx, {"alpha", "{}", {}});
  listener.await_notification(0, 200'000);
  CHECK(a.n == 0);  // not before commit
  tx.commit();
  for (int i = 0; i < 20 && a.n + b.n < 2; ++i) listener.await_notification(0, 100'000);
  listener.await_notification(0, 100'000);
  CHECK(a.n == 1);
  CHECK(b.n == 1);
}

TEST_CASE_FIXTURE(Fixture, "BatchEnqueue keeps input order and stores every field") {
  std::vector<NewJob> batch;
  for (int i = 0; i < 1000; ++i)
    batch.push_back({"k",
                     "{\"i\":" + std::to_string(i) + ",\"s\":\"quote\\\" back\\\\slash {brace}\"}",
                     {.priority = i % 3, .max_attempts = 7, .subject = "yt:" + std::to_string(i)}});
  pqxx::work tx(*conn);
  auto out = queue.enqueue_many(tx, batch);
  tx.commit();
  REQUIRE(out.size() == 1000);
  for (size_t i = 1; i < out.size(); ++i) CHECK(out[i].id > out[i - 1].id);
  auto jobs = claim("k", 1000);
  REQUIRE(jobs.size() == 1000);
  std::map<int64_t, td::queue::Job> by_id;
  for (auto& j : jobs) by_id[j.id] = j;
  for (size_t i = 0; i < out.size(); ++i) {
    auto& j = by_id.at(out[i].id);
    CHECK(j.payload == batch[i].payload);
    CHECK(j.max_attempts == 7);
    CHECK(j.subject == batch[i].options.subject);
  }
}

TEST_CASE("JobStatus: every state round-trips through its name; pending means it will still run") {
  using td::queue::JobStatus;
  for (auto s : {JobStatus::queued, JobStatus::running, JobStatus::failed, JobStatus::done, JobStatus::dead,
                 JobStatus::cancelled})
    CHECK(td::queue::parse_job_status(td::queue::to_string(s)) == s);
  CHECK(td::queue::to_string(JobStatus::dead) == "dead");
  CHECK_FALSE(td::queue::parse_job_status("Dead"));
  CHECK_FALSE(td::queue::parse_job_status(""));
  CHECK(td::queue::is_pending(JobStatus::failed));
  CHECK_FALSE(td::queue::is_pending(JobStatus::dead));
  CHECK_FALSE(td::queue::is_pending(JobStatus::done));
}
