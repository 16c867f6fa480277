// Schema migrations: schema/NNN_name.sql, compiled into every binary.
//
// Applied in version order, each in its own transaction, recorded in
// schema_migrations. The whole run holds a session advisory lock, so N
// replicas starting at once apply each migration exactly once: the first
// applies, the others wait on the lock and then find nothing left to do.
#pragma once

#include <chrono>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace td::db {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

const std::vector<Migration>& embedded_migrations();

// Applies what is missing; returns the versions applied by this call.
std::vector<int> migrate(pqxx::connection_base& conn, const std::vector<Migration>& migrations = embedded_migrations());

// Connects (retrying with backoff until `give_up` passes) and applies the
// embedded migrations: what every process does at start.
void migrate_with_retry(const std::string& url, std::chrono::milliseconds give_up);

// Versions known to this binary but not applied to the database (for /readyz).
std::vector<int> pending_migrations(pqxx::connection_base& conn,
                                    const std::vector<Migration>& migrations = embedded_migrations());

}  // namespace td::db
