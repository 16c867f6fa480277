#include "db/migrate.h"

#include <spdlog/spdlog.h>

#include <set>

#include "db/connection.h"

namespace td::db {

namespace {

// Any fixed number shared by every binary; 'td' 'mi' in ASCII.
constexpr long kMigrationLock = 0x7464'6d69;

void ensure_table(pqxx::connection_base& conn) {
  pqxx::nontransaction tx(conn);
  tx.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version integer PRIMARY KEY,"
      " name text NOT NULL,"
      " applied_at timestamptz NOT NULL DEFAULT now())");
}

std::set<int> applied_versions(pqxx::connection_base& conn) {
  pqxx::nontransaction tx(conn);
  auto exists = tx.exec("SELECT to_regclass('schema_migrations') IS NOT NULL")[0][0].as<bool>();
  std::set<int> out;
  if (!exists) return out;
  for (auto row : tx.exec("SELECT version FROM schema_migrations")) out.insert(row[0].as<int>());
  return out;
}

}  // namespace

std::vector<int> migrate(pqxx::connection_base& conn, const std::vector<Migration>& migrations) {
  std::vector<int> applied_now;
  {
    pqxx::nontransaction tx(conn);
    tx.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLock) + ")");
  }
  try {
    // CREATE TABLE IF NOT EXISTS can still race on the catalog without the lock.
    ensure_table(conn);
    auto done = applied_versions(conn);
    for (const auto& m : migrations) {
      if (done.count(m.version)) continue;
      pqxx::work tx(conn);
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name);
      tx.commit();
      spdlog::info("migration applied version={} name={}", m.version, m.name);
      applied_now.push_back(m.version);
    }
  } catch (...) {
    try {
      pqxx::nontransaction tx(conn);
      tx.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")");
    } catch (...) {
    }
    throw;
  }
  pqxx::nontransaction tx(conn);
  tx.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")");
  return applied_now;
}

std::vector<int> pending_migrations(pqxx::connection_base& conn, const std::vector<Migration>& migrations) {
  auto done = applied_versions(conn);
  std::vector<int> out;
  for (const auto& m : migrations)
    if (!done.count(m.version)) out.push_back(m.version);
  return out;
}

void migrate_with_retry(const std::string& url, std::chrono::milliseconds give_up) {
  migrate(*connect_for_startup(url, "migrate", give_up));
}

}  // namespace td::db
