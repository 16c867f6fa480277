#include "db/statements.h"

namespace td::db {

void register_statements(pqxx::connection_base& conn, std::span<const Statement> statements) {
  for (const auto& s : statements) conn.prepare(s.name, s.sql);
}

}  // namespace td::db
