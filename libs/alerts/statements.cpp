#include "alerts/statements.h"

#include <utility>

namespace td::alerts {

void prepare(pqxx::connection_base& conn) {
  const std::pair<const Statement*, size_t> groups[] = {
      {kLeaderStatements, kLeaderStatementCount},
      {kRuleStatements, kRuleStatementCount},
      {kStateStatements, kStateStatementCount},
  };
  for (const auto& [statements, count] : groups)
    for (size_t i = 0; i < count; ++i) conn.prepare(statements[i].name, statements[i].sql);
}

}  // namespace td::alerts
