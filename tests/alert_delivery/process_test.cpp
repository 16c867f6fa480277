// Evaluation across service processes: a summarize worker and a gateway, both
// with the same ALERT_* settings, race for the evaluator lease. One
// notification per transition whoever leads; SIGKILL the leader mid-incident
// and the other takes over without sending the firing again, and sends the
// resolve.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include <doctest/doctest.h>

#include "alerts/leader.h"
#include "fixture.h"

using namespace std::chrono_literals;
using td::alerts::test::DeliveryFixture;
using td::test::ChildProcess;
using td::test::eventually;

namespace {

std::optional<std::string> leader(pqxx::connection& c) {
  pqxx::read_transaction tx(c);
  return td::alerts::LeaderLease(td::alerts::kEvaluatorLease, "", 1s).current_holder(tx);
}

// Holder ids are "<process>@<host>:<pid>:<random>".
pid_t pid_of(const std::string& holder) {
  auto end = holder.rfind(':');
  auto start = holder.rfind(':', end - 1);
  return static_cast<pid_t>(std::stol(holder.substr(start + 1, end - start - 1)));
}

}  // namespace

TEST_CASE_FIXTURE(DeliveryFixture,
                  "Processes: two evaluators send once; killing the leader sends no duplicate and still the resolve") {
  const std::vector<std::string> env = {"ALERT_WEBHOOK_URL=" + hook.url("/am/s3cr3t-token"),
                                        "ALERT_EVAL_INTERVAL=300ms",
                                        "ALERT_QUEUE_STALL=60s",
                                        "ALERT_RETRY_BACKOFF=100ms",
                                        "LOG_LEVEL=info",
                                        "SUMMARIZER=extractive"};
  ChildProcess summarize({td::test::bin_path("tubedigest-summarize"), "--database-url", db.url(), "--no-migrate"}, env);
  ChildProcess gateway(
      {td::test::bin_path("tubedigest-gateway"), "--database-url", db.url(), "--listen", "127.0.0.1:0", "--no-migrate"},
      env);
  REQUIRE(eventually([&] { return leader(*conn).has_value(); }, 15s));

  stall();
  REQUIRE(hook.wait_for(1, 15s));
  std::this_thread::sleep_for(1500ms);  // five rounds, both processes alive
  REQUIRE(hook.received().size() == 1);
  CHECK(hook.received()[0].body["status"] == "firing");

  auto first = *leader(*conn);
  const pid_t dead = pid_of(first);
  REQUIRE((dead == summarize.pid() || dead == gateway.pid()));
  ::kill(dead, SIGKILL);
  auto killed_at = std::chrono::steady_clock::now();
  REQUIRE(eventually(
      [&] {
        auto l = leader(*conn);
        return l && *l != first;
      },
      5s));
  // Lease 1.5 intervals, followers look every quarter: within 2 intervals plus a poll.
  CHECK(std::chrono::steady_clock::now() - killed_at < 700ms);
  std::this_thread::sleep_for(1500ms);  // the new leader evaluates the firing alert five times
  CHECK(hook.received().size() == 1);

  unstall();
  REQUIRE(hook.wait_for(2, 15s));
  std::this_thread::sleep_for(1s);
  REQUIRE(hook.received().size() == 2);
  CHECK(hook.received()[1].body["status"] == "resolved");
  CHECK(hook.received()[1].body["alerts"][0]["fingerprint"] == hook.received()[0].body["alerts"][0]["fingerprint"]);

  auto& survivor = dead == summarize.pid() ? gateway : summarize;
  survivor.kill(SIGTERM);
  int status = survivor.wait();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(!leader(*conn).has_value());  // given up at a clean stop
}

TEST_CASE_FIXTURE(DeliveryFixture,
                  "Processes: a malformed ALERT_WEBHOOK_URL stops a service at start, the secret unsaid") {
  const std::string log = "/tmp/td_alert_start_" + std::to_string(::getpid()) + ".log";
  ChildProcess p({"/bin/sh", "-c", "exec \"$0\" --database-url \"$1\" 2>\"$2\" >&2",
                  td::test::bin_path("tubedigest-summarize"), db.url(), log},
                 {"ALERT_WEBHOOK_URL=hooks.example.com/T0/SECRETPATH", "LOG_LEVEL=warn"});
  int status = p.wait();
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(log.c_str());
  CHECK(text.find("ALERT_WEBHOOK_URL is not an http:// or https:// URL with a host") != std::string::npos);
  CHECK(text.find("SECRETPATH") == std::string::npos);
}
