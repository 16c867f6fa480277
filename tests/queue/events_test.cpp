#include <doctest/doctest.h>

#include <future>
#include <random>
#include <set>
#include <thread>

#include "events/outbox.h"
#include "support/helpers.h"
#include "support/pg.h"

using namespace std::chrono_literals;

TEST_CASE("OutboxOrder: a lower id that commits late is delivered before the higher one, never skipped") {
  td::test::TestDatabase db("events");
  auto writer1 = td::test::migrated_connection(db.url());
  auto writer2 = td::test::migrated_connection(db.url());
  auto reader_conn = td::test::migrated_connection(db.url());
  td::events::Reader reader;

  pqxx::work slow(*writer1);
  auto low = td::events::emit(slow, "report-updated", std::string("yt:aaaaaaaaaaa"), {{"variant", "comprehensive"}});
  int64_t high;
  {
    pqxx::work fast(*writer2);
    high = td::events::emit(fast, "report-updated", std::string("yt:bbbbbbbbbbb"), {{"n", 2}});
    fast.commit();
  }
  REQUIRE(low < high);

  // The reader must not hand out `high` while `low` may still commit.
  auto pending = std::async(std::launch::async, [&] { return reader.read_after(*reader_conn, 0); });
  CHECK(pending.wait_for(300ms) == std::future_status::timeout);
  slow.commit();
  auto got = pending.get();
  REQUIRE(got.size() == 2);
  CHECK(got[0].id == low);
  CHECK(got[1].id == high);
  CHECK(got[0].type == "report-updated");
  CHECK(got[0].video_id == std::optional<std::string>("yt:aaaaaaaaaaa"));
  CHECK(got[0].data["variant"] == "comprehensive");
  CHECK(reader.read_after(*reader_conn, high).empty());
}

TEST_CASE("OutboxOrder: concurrent writers with random commit delays; the reader sees every event once, in order") {
  td::test::TestDatabase db("events_stress");
  auto setup = td::test::migrated_connection(db.url());
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  std::mutex mu;
  std::set<int64_t> committed;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      pqxx::connection c(db.url());
      td::events::prepare(c);
      std::mt19937 rng(w);
      for (int i = 0; i < 150; ++i) {
        pqxx::work tx(c);
        auto id = td::events::emit(tx, "t", std::nullopt, {{"w", w}, {"i", i}});
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
        if (rng() % 10 == 0) {
          tx.abort();  // a rolled-back id is a gap no reader waits for
          continue;
        }
        tx.commit();
        std::lock_guard<std::mutex> lock(mu);
        committed.insert(id);
      }
    });
  }
  std::vector<int64_t> seen;
  std::thread reader_thread([&] {
    pqxx::connection c(db.url());
    td::events::prepare(c);
    td::events::Reader reader;
    int64_t cursor = 0;
    for (;;) {
      bool finished = done.load();
      auto batch = reader.read_after(c, cursor, 50);
      for (auto& e : batch) {
        seen.push_back(e.id);
        cursor = e.id;
      }
      if (finished && batch.empty()) break;
      if (batch.empty()) std::this_thread::sleep_for(1ms);
    }
  });
  for (auto& t : writers) t.join();
  done = true;
  reader_thread.join();
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(std::set<int64_t>(seen.begin(), seen.end()).size() == seen.size());
  CHECK(std::set<int64_t>(seen.begin(), seen.end()) == committed);
  CHECK(committed.size() > 400);
}

TEST_CASE("OutboxPrune and the oldest id") {
  td::test::TestDatabase db("events_prune");
  auto conn = td::test::migrated_connection(db.url());
  {
    pqxx::work tx(*conn);
    CHECK_FALSE(td::events::oldest_id(tx).has_value());
    for (int i = 0; i < 10; ++i) td::events::emit(tx, "t", std::nullopt);
    tx.exec("UPDATE events SET created_at = now() - interval '10 days' WHERE id <= 6");
    tx.commit();
  }
  pqxx::work tx(*conn);
  CHECK(td::events::prune(tx, std::chrono::hours(24 * 7), 100) == 6);
  CHECK(td::events::oldest_id(tx) == 7);
}
