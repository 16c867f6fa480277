#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "alerts/fixture.h"
#include "alerts/leader.h"

using namespace std::chrono_literals;
using td::alerts::LeaderLease;
using td::alerts::test::Fixture;

namespace {

bool acquire(pqxx::connection& c, const LeaderLease& lease) {
  pqxx::work tx(c);
  bool held = lease.try_acquire(tx);
  tx.commit();
  return held;
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "Leader: one holder at a time; an expired lease passes to the other; release hands it on") {
  auto other = td::alerts::test::connect(db.url());
  LeaderLease a("alerts", "a", 30s), b("alerts", "b", 30s);
  CHECK(acquire(*conn, a));
  CHECK_FALSE(acquire(*other, b));
  CHECK(acquire(*conn, a));  // renew
  CHECK_FALSE(acquire(*other, b));
  {
    pqxx::read_transaction tx(*other);
    CHECK(b.current_holder(tx) == std::optional<std::string>("a"));
  }

  // a is killed: its lease runs out (backdated) and b takes over.
  sql("UPDATE leader_leases SET expires_at = now() - interval '1 millisecond'");
  CHECK(acquire(*other, b));
  CHECK_FALSE(acquire(*conn, a));  // a comes back: b holds it now

  // A different name is a different lease.
  CHECK(acquire(*conn, LeaderLease("other-job", "a", 30s)));

  // b shuts down cleanly; a need not wait for the TTL. a's release of a lease
  // it does not hold does nothing.
  {
    pqxx::work tx(*conn);
    a.release(tx);
    tx.commit();
  }
  CHECK_FALSE(acquire(*conn, a));
  {
    pqxx::work tx(*other);
    b.release(tx);
    tx.commit();
  }
  CHECK(acquire(*conn, a));
}

TEST_CASE_FIXTURE(Fixture, "Leader: holders racing for an expired lease never both win") {
  constexpr int kHolders = 4, kRounds = 25;
  std::vector<std::unique_ptr<pqxx::connection>> conns;
  for (int i = 0; i < kHolders; ++i) conns.push_back(td::alerts::test::connect(db.url()));
  for (int round = 0; round < kRounds; ++round) {
    sql("UPDATE leader_leases SET expires_at = now() - interval '1 millisecond'");
    std::atomic<int> winners{0}, ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kHolders; ++i) {
      threads.emplace_back([&, i] {
        LeaderLease lease("alerts", "h" + std::to_string(i), 30s);
        ready++;
        while (ready < kHolders) std::this_thread::yield();
        if (acquire(*conns[i], lease)) winners++;
      });
    }
    for (auto& t : threads) t.join();
    // Exactly one: the first to lock the (missing or expired) row takes it;
    // every other one waits for that commit and then finds it held.
    REQUIRE(winners == 1);
  }
}

TEST_CASE_FIXTURE(Fixture, "Leader: a holder's open transaction makes the other wait, then lose (no overlap)") {
  auto other = td::alerts::test::connect(db.url());
  LeaderLease a("alerts", "a", 30s), b("alerts", "b", 30s);
  REQUIRE(acquire(*conn, a));
  sql("UPDATE leader_leases SET expires_at = now() - interval '1 millisecond'");  // a stalled past its TTL

  pqxx::work tx(*conn);
  REQUIRE(a.try_acquire(tx));  // a renews inside its evaluation transaction
  std::atomic<int> result{-1};
  std::thread t([&] { result = acquire(*other, b) ? 1 : 0; });
  std::this_thread::sleep_for(300ms);
  CHECK(result == -1);  // b waits on a's row lock
  tx.commit();
  t.join();
  CHECK(result == 0);  // and then sees a's renewed lease
}
