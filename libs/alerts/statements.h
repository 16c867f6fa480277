// The alerts library's named statements, registered on a connection by
// prepare(). Each .cpp keeps its own group next to its code (leader.cpp,
// rules.cpp, state.cpp, notify.cpp), as libs/store does.
#pragma once

#include <cstddef>

#include <pqxx/pqxx>

#include "db/statements.h"

namespace td::alerts {

using db::Statement;

// Declared extern here so those const definitions have external linkage.
extern const Statement kLeaderStatements[], kRuleStatements[], kStateStatements[], kNotifyStatements[];
extern const size_t kLeaderStatementCount, kRuleStatementCount, kStateStatementCount, kNotifyStatementCount;

// Registers this library's statements on `conn`. The rules also read pauses
// through libs/store: catalog::prepare registers both.
void prepare(pqxx::connection_base& conn);

}  // namespace td::alerts
