// A named statement, and registering a list of them on a connection. Each
// library keeps its statements next to the code that runs them, as an array
// of these, and prepares them with register_statements(); store::prepare is
// part of the one catalog (catalog::prepare) that registers every library's list.
#pragma once

#include <span>

#include <pqxx/pqxx>

namespace td::db {

struct Statement {
  const char* name;
  const char* sql;
};

// Registers each of `statements` on `conn` (libpqxx 6.4 prepares them on the
// server at first use).
void register_statements(pqxx::connection_base& conn, std::span<const Statement> statements);

}  // namespace td::db
