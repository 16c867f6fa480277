#include "alerts/statements.h"

#include <utility>

namespace td::alerts {

void prepare(pqxx::connection_base& conn) {
  const std::pair<const Statement*, size_t> groups[] = {
      {kLeaderStatements, kLeaderStatementCount},
      {kRuleStatements, kRuleStatementCount},
      {kStateStatements, kStateStatementCount},
      {kNotifyStatements, kNotifyStatementCount},
  };
  for (const auto& [statements, count] : groups) db::register_statements(conn, {statements, count});
}

}  // namespace td::alerts
