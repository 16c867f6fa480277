#include <doctest/doctest.h>

#include <sys/wait.h>

#include "db/migrate.h"
#include "support/helpers.h"
#include "support/pg.h"

TEST_CASE("MigrationsRaced: 4 processes migrating one fresh database apply each migration once") {
  td::test::TestDatabase db("migrate");
  std::vector<std::unique_ptr<td::test::ChildProcess>> procs;
  for (int i = 0; i < 4; ++i)
    procs.push_back(std::make_unique<td::test::ChildProcess>(
        std::vector<std::string>{td::test::bin_path("tubedigest"), "migrate", "--database-url", db.url()}));
  for (auto& p : procs) {
    int status = p->wait();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  pqxx::connection c(db.url());
  pqxx::read_transaction tx(c);
  auto n = tx.exec("SELECT count(*), count(DISTINCT version) FROM schema_migrations")[0];
  CHECK(n[0].as<size_t>() == td::db::embedded_migrations().size());
  CHECK(n[1].as<size_t>() == td::db::embedded_migrations().size());
  tx.commit();
  CHECK(td::db::pending_migrations(c).empty());
  CHECK(td::db::migrate(c).empty());  // running again is a no-op
}

TEST_CASE("A broken migration rolls back whole and is not recorded") {
  td::test::TestDatabase db("migrate_bad");
  pqxx::connection c(db.url());
  std::vector<td::db::Migration> ms = {{1, "001_ok", "CREATE TABLE a (x int)"},
                                       {2, "002_bad", "CREATE TABLE b (x int); SELECT no_such_function()"}};
  CHECK_THROWS(td::db::migrate(c, ms));
  CHECK(td::db::pending_migrations(c, ms) == std::vector<int>{2});
  pqxx::read_transaction tx(c);
  CHECK(tx.exec("SELECT to_regclass('b') IS NULL")[0][0].as<bool>());
}
