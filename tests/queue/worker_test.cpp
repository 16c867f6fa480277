#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <thread>

#include "common/errors.h"
#include "queue/queue.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "worker/maintenance.h"
#include "worker/worker.h"

using namespace std::chrono_literals;
using td::queue::Queue;

namespace {

td::worker::Options options(const std::string& url, const std::string& kind) {
  td::worker::Options o;
  o.database_url = url;
  o.kinds = {kind};
  o.poll_interval = 500ms;
  o.maintenance_interval = 0ms;
  o.shutdown_deadline = 5s;
  o.retry_backoff = {100ms, 1s, 0.0};
  return o;
}

// Runs a worker on a thread; stops and joins it on destruction.
struct Running {
  td::worker::Worker worker;
  std::thread thread;
  std::atomic<bool> clean{true};
  Running(td::worker::Options o, td::worker::Handler h) : worker(std::move(o), std::move(h)) {
    thread = std::thread([this] { clean = worker.run(); });
    REQUIRE(td::test::eventually([this] { return worker.ready(); }, 10s));
  }
  ~Running() {
    worker.stop();
    if (thread.joinable()) thread.join();
  }
};

void enqueue(pqxx::connection& c, std::vector<td::queue::NewJob> jobs) {
  Queue q;
  pqxx::work tx(c);
  q.enqueue_many(tx, jobs);
  tx.commit();
}

std::string status_of(pqxx::connection& c, int64_t id) {
  Queue q;
  pqxx::read_transaction tx(c);
  return q.status(tx, id).value_or("missing");
}

int64_t count_status(pqxx::connection& c, const std::string& status) {
  pqxx::read_transaction tx(c);
  return tx.exec_params("SELECT count(*) FROM jobs WHERE status = $1", status)[0][0].as<int64_t>();
}

}  // namespace

TEST_CASE("ExactlyOnce: 4 workers drain 10,000 jobs, each run once, none lost") {
  td::test::TestDatabase db("drain");
  auto conn = td::test::migrated_connection(db.url());
  const int N = 10000;
  std::vector<td::queue::NewJob> jobs;
  for (int i = 0; i < N; ++i) jobs.push_back({"noop", "{\"i\":" + std::to_string(i) + "}", {}});
  for (size_t at = 0; at < jobs.size(); at += 1000)
    enqueue(*conn, {jobs.begin() + at, jobs.begin() + std::min(jobs.size(), at + 1000)});

  std::vector<std::atomic<int>> runs(N);
  auto handler = [&](td::worker::JobContext& ctx) { runs.at(ctx.payload().at("i").get<int>())++; };
  {
    std::vector<std::unique_ptr<Running>> workers;
    for (int w = 0; w < 4; ++w) {
      auto o = options(db.url(), "noop");
      o.concurrency = 2;
      o.batch_size = w % 2 ? 1 : 25;  // single and batched claims racing on the same rows
      workers.push_back(std::make_unique<Running>(o, handler));
    }
    REQUIRE(td::test::eventually([&] { return count_status(*conn, "done") == N; }, 120s));
  }
  int more = 0, never = 0;
  for (auto& r : runs) {
    if (r == 0) ++never;
    if (r > 1) ++more;
  }
  CHECK(never == 0);
  CHECK(more == 0);
}

TEST_CASE("Wakeup: NOTIFY wakes a sleeping worker long before its poll interval") {
  td::test::TestDatabase db("wake");
  auto conn = td::test::migrated_connection(db.url());
  std::atomic<int64_t> ran_at_us{0};
  auto o = options(db.url(), "wake");
  o.poll_interval = 30s;
  Running r(o, [&](td::worker::JobContext&) {
    ran_at_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
  });
  std::this_thread::sleep_for(300ms);  // let the slots go to sleep
  auto start = std::chrono::steady_clock::now();
  enqueue(*conn, {{"wake", "{}", {}}});
  REQUIRE(td::test::eventually([&] { return ran_at_us.load() != 0; }, 10s));
  auto latency = std::chrono::microseconds(ran_at_us.load()) - start.time_since_epoch();
  CHECK(latency < 1s);
}

TEST_CASE("BadInput: invalid JSON dies permanently, a throwing handler retries, the worker keeps going") {
  td::test::TestDatabase db("bad");
  auto conn = td::test::migrated_connection(db.url());
  std::atomic<int> good{0};
  auto o = options(db.url(), "k");
  Running r(o, [&](td::worker::JobContext& ctx) {
    auto mode = ctx.payload().value("mode", "");
    if (mode == "throw") throw std::runtime_error("provider said no\nsecond line");
    if (mode == "permanent") throw td::PermanentError("no_transcript", "video has no transcript");
    ++good;
  });
  Queue q;
  pqxx::work tx(*conn);
  auto bad_json = q.enqueue(tx, {"k", "{not json", {}}).id;
  auto thrower = q.enqueue(tx, {"k", R"({"mode":"throw"})", {.max_attempts = 2}}).id;
  auto permanent = q.enqueue(tx, {"k", R"({"mode":"permanent"})", {.max_attempts = 5}}).id;
  auto fine = q.enqueue(tx, {"k", "{}", {}}).id;
  tx.commit();
  REQUIRE(td::test::eventually([&] { return status_of(*conn, fine) == "done"; }, 10s));
  REQUIRE(td::test::eventually([&] { return status_of(*conn, thrower) == "dead"; }, 10s));
  REQUIRE(td::test::eventually([&] { return status_of(*conn, permanent) == "dead"; }, 10s));
  CHECK(status_of(*conn, bad_json) == "dead");
  pqxx::read_transaction rt(*conn);
  auto err = [&](int64_t id) {
    return rt.exec_params("SELECT last_error || ' #' || attempts FROM jobs WHERE id = $1", id)[0][0].as<std::string>();
  };
  CHECK(err(bad_json).find("bad_payload: payload is not valid JSON") == 0);
  CHECK(err(bad_json).find("#1") != std::string::npos);
  CHECK(err(thrower) == "provider said no second line #2");
  CHECK(err(permanent) == "no_transcript: video has no transcript #1");
  CHECK(good == 1);
}

TEST_CASE("CompleteIn: results and completion commit together; a lost lease stores nothing") {
  td::test::TestDatabase db("complete_in");
  auto conn = td::test::migrated_connection(db.url());
  {
    pqxx::work tx(*conn);
    tx.exec("CREATE TABLE results (job_id bigint PRIMARY KEY)");
    tx.commit();
  }
  auto o = options(db.url(), "k");
  Running r(o, [&](td::worker::JobContext& ctx) {
    pqxx::work tx(ctx.conn());
    tx.exec_params("INSERT INTO results VALUES ($1)", ctx.job().id);
    if (ctx.payload().value("steal", false)) {
      // Another session takes the job away (as a rescue would) before we finish.
      pqxx::connection other(db.url());
      pqxx::work t2(other);
      t2.exec_params("UPDATE jobs SET lease_owner = 'someone-else' WHERE id = $1", ctx.job().id);
      t2.commit();
    }
    ctx.complete_in(tx);
    tx.commit();
  });
  Queue q;
  pqxx::work tx(*conn);
  auto ok = q.enqueue(tx, {"k", "{}", {}}).id;
  auto stolen = q.enqueue(tx, {"k", R"({"steal":true})", {}}).id;
  tx.commit();
  REQUIRE(td::test::eventually([&] { return status_of(*conn, ok) == "done"; }, 10s));
  std::this_thread::sleep_for(300ms);
  pqxx::read_transaction rt(*conn);
  CHECK(rt.exec_params("SELECT count(*) FROM results WHERE job_id = $1", ok)[0][0].as<int>() == 1);
  CHECK(rt.exec_params("SELECT count(*) FROM results WHERE job_id = $1", stolen)[0][0].as<int>() == 0);
  CHECK(rt.exec_params("SELECT status FROM jobs WHERE id = $1", stolen)[0][0].as<std::string>() == "running");
}

TEST_CASE("Shutdown: in-flight jobs finish, claimed-but-unstarted ones are handed back") {
  td::test::TestDatabase db("shutdown");
  auto conn = td::test::migrated_connection(db.url());
  std::atomic<int> started{0};
  auto o = options(db.url(), "k");
  o.concurrency = 1;
  o.batch_size = 5;
  auto worker = std::make_unique<Running>(o, [&](td::worker::JobContext&) {
    ++started;
    std::this_thread::sleep_for(400ms);
  });
  std::vector<td::queue::NewJob> jobs(5, {"k", "{}", {}});
  enqueue(*conn, jobs);
  REQUIRE(td::test::eventually([&] { return started.load() == 1; }, 10s));
  worker->worker.stop();
  worker->thread.join();
  CHECK(worker->clean);
  CHECK(started == 1);
  CHECK(count_status(*conn, "done") == 1);
  CHECK(count_status(*conn, "queued") == 4);
  pqxx::read_transaction tx(*conn);
  CHECK(tx.exec("SELECT max(attempts) FROM jobs WHERE status = 'queued'")[0][0].as<int>() == 0);
}

TEST_CASE("Shutdown: a handler past the deadline has its job handed back") {
  td::test::TestDatabase db("deadline");
  auto conn = td::test::migrated_connection(db.url());
  auto o = options(db.url(), "k");
  o.shutdown_deadline = 300ms;
  std::atomic<bool> release{false};
  std::atomic<bool> started{false};
  auto worker = std::make_unique<Running>(o, [&](td::worker::JobContext&) {
    started = true;
    while (!release) std::this_thread::sleep_for(10ms);
  });
  enqueue(*conn, {{"k", "{}", {}}});
  REQUIRE(td::test::eventually([&] { return started.load(); }, 10s));
  worker->worker.stop();
  worker->thread.join();
  CHECK_FALSE(worker->clean);
  CHECK(count_status(*conn, "queued") == 1);
  release = true;  // the stuck handler ends; its late completion must not count
  std::this_thread::sleep_for(300ms);
  CHECK(count_status(*conn, "queued") == 1);
  CHECK(count_status(*conn, "done") == 0);
}

TEST_CASE("Crash: a worker process killed mid-job loses its lease; the job is rescued and run again") {
  td::test::TestDatabase db("crash");
  auto conn = td::test::migrated_connection(db.url());
  {
    pqxx::work tx(*conn);
    tx.exec("CREATE TABLE test_runs (job_id bigint, worker text, started_at timestamptz DEFAULT now())");
    tx.commit();
  }
  Queue q;
  int64_t id;
  {
    pqxx::work tx(*conn);
    id = q.enqueue(tx, {"slow", R"({"sleep_ms": 60000})", {}}).id;
    tx.commit();
  }
  auto runs = [&] {
    pqxx::read_transaction tx(*conn);
    return tx.exec_params("SELECT count(*) FROM test_runs WHERE job_id = $1", id)[0][0].as<int>();
  };
  {
    td::test::ChildProcess victim(
        {td::test::bin_path("td_test_worker"), "--database-url", db.url(), "--kind", "slow", "--lease-ms", "1500"});
    REQUIRE(td::test::eventually([&] { return runs() == 1; }, 15s));
    victim.kill(SIGKILL);
    int status = victim.wait();
    CHECK(WIFSIGNALED(status));
  }
  CHECK(status_of(*conn, id) == "running");
  // Maintenance in a live worker rescues it once the lease has expired...
  auto o = options(db.url(), "slow");
  o.maintenance_interval = 200ms;
  o.prepare = [](pqxx::connection_base& c) {
    td::worker::prepare_runtime_statements(c);
    c.prepare("run", "INSERT INTO test_runs (job_id, worker) VALUES ($1, $2)");
  };
  Running r(o, [&](td::worker::JobContext& ctx) {
    pqxx::work tx(ctx.conn());
    tx.exec_prepared("run", ctx.job().id, ctx.worker_id());
    ctx.complete_in(tx);
    tx.commit();
  });
  // ...and this worker runs it again.
  REQUIRE(td::test::eventually([&] { return status_of(*conn, id) == "done"; }, 20s));
  CHECK(runs() == 2);
  pqxx::read_transaction tx(*conn);
  CHECK(tx.exec_params("SELECT attempts FROM jobs WHERE id = $1", id)[0][0].as<int>() == 2);
}

TEST_CASE("RetryLater: the job waits until the given time, no attempt counted, nothing failed") {
  td::test::TestDatabase db("snooze");
  auto conn = td::test::migrated_connection(db.url());
  std::atomic<int> runs{0};
  auto o = options(db.url(), "k");
  Running r(o, [&](td::worker::JobContext&) {
    ++runs;
    throw td::worker::RetryLater(std::chrono::system_clock::now() + std::chrono::hours(1), "youtube paused");
  });
  enqueue(*conn, {{"k", "{}", {}}});
  REQUIRE(td::test::eventually([&] { return runs.load() == 1; }, 10s));
  REQUIRE(td::test::eventually([&] { return count_status(*conn, "queued") == 1; }, 5s));
  std::this_thread::sleep_for(300ms);
  CHECK(runs == 1);  // not claimable again before its time
  pqxx::read_transaction tx(*conn);
  auto row = tx.exec("SELECT attempts, last_error, run_at > now() + interval '50 minutes' FROM jobs")[0];
  CHECK(row[0].as<int>() == 0);
  CHECK(row[1].as<std::string>() == "youtube paused");
  CHECK(row[2].as<bool>());
}
