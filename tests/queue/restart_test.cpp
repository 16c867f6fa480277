#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <thread>

#include "common/process.h"
#include "queue/queue.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "worker/worker.h"

using namespace std::chrono_literals;

namespace {

// A PostgreSQL cluster of this test's own (it is restarted under the
// worker), run through the same scripts/lib/pg.sh as scripts/test.sh.
class Cluster {
 public:
  Cluster() {
    char tmpl[] = "/tmp/td-restart-XXXXXX";
    dir_ = mkdtemp(tmpl);
    chmod(dir_.c_str(), 0755);
    port_ = sh("pg_free_port").substr(0, 5);
    while (!port_.empty() && !isdigit(port_.back())) port_.pop_back();
    sh("pg_init " + dir_ + "/data");
    start();
  }
  ~Cluster() {
    try {
      sh("pg_stop " + dir_ + "/data");
    } catch (...) {
    }
    std::string rm = "rm -rf " + dir_;
    if (std::system(rm.c_str()) != 0) {
    }
  }
  void start() { sh("pg_start " + dir_ + "/data " + port_ + " fsync=off"); }
  void stop() { sh("pg_stop " + dir_ + "/data"); }
  std::string url() const { return "postgresql://tubedigest@127.0.0.1:" + port_ + "/postgres"; }

 private:
  std::string sh(const std::string& cmd) {
    td::process::Options o;
    o.timeout = 90s;
    auto r = td::process::run({"bash", "-c", "source " + td::test::source_path("scripts/lib/pg.sh") + " && " + cmd}, o);
    if (!r.ok()) throw std::runtime_error(cmd + ": " + r.describe());
    return r.out;
  }
  std::string dir_;
  std::string port_;
};

int64_t done_count(const std::string& url) {
  try {
    pqxx::connection c(url);
    pqxx::read_transaction tx(c);
    return tx.exec("SELECT count(*) FROM jobs WHERE status = 'done'")[0][0].as<int64_t>();
  } catch (const std::exception&) {
    return -1;
  }
}

void enqueue(const std::string& url, int n) {
  pqxx::connection c(url);
  td::queue::Queue::prepare(c);
  td::queue::Queue q;
  pqxx::work tx(c);
  std::vector<td::queue::NewJob> jobs(n, {"k", "{}", {}});
  q.enqueue_many(tx, jobs);
  tx.commit();
}

}  // namespace

TEST_CASE("PostgresRestart: the worker reconnects, listens again and keeps working") {
  Cluster cluster;
  td::test::migrated_connection(cluster.url());
  td::worker::Options o;
  o.database_url = cluster.url();
  o.kinds = {"k"};
  o.concurrency = 2;
  o.poll_interval = 30s;  // only NOTIFY (or the poll after a reconnect) can wake it in time
  o.heartbeat_interval = 200ms;
  o.maintenance_interval = 300ms;
  td::worker::Worker worker(o, [](td::worker::JobContext&) { std::this_thread::sleep_for(2ms); });
  std::thread t([&] { worker.run(); });
  REQUIRE(td::test::eventually([&] { return worker.ready(); }, 10s));

  enqueue(cluster.url(), 50);
  REQUIRE(td::test::eventually([&] { return done_count(cluster.url()) == 50; }, 20s));

  cluster.stop();
  std::this_thread::sleep_for(1500ms);  // every thread notices; reconnect attempts back off
  cluster.start();
  // Enqueued after the restart: found through the re-issued LISTEN.
  REQUIRE(td::test::eventually([&] { return done_count(cluster.url()) >= 0; }, 20s));
  enqueue(cluster.url(), 50);
  CHECK(td::test::eventually([&] { return done_count(cluster.url()) == 100; }, 20s));
  worker.stop();
  t.join();
}
