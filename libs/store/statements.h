// The store's named statements, registered on a connection by prepare().
// Each .cpp of this library keeps its own statements next to its code and
// lists them here through register_statements().
#pragma once

#include <pqxx/pqxx>

namespace td::store {

struct Statement {
  const char* name;
  const char* sql;
};

// Registers every statement of libs/store (and of the queue, events and
// metrics libraries it builds on) on `conn`.
void prepare(pqxx::connection_base& conn);

}  // namespace td::store
