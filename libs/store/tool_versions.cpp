#include "store/tool_versions.h"

#include "store/statements.h"

namespace td::store {

const Statement kToolVersionStatements[] = {
    {"td_tool_version_put", R"SQL(
INSERT INTO tool_versions (tool, owner, version, path, checked_at, expires_at)
VALUES ($1, $2, $3, $4, now(), now() + $5 * interval '1 second')
ON CONFLICT (tool, owner) DO UPDATE SET
  version = excluded.version, path = excluded.path, checked_at = now(), expires_at = excluded.expires_at)SQL"},
    // Expired rows are swept by the writers, so the table stays as small as
    // the number of live processes.
    {"td_tool_version_sweep", "DELETE FROM tool_versions WHERE expires_at < now() - interval '1 day'"},
    // Columns: version, processes, newest check (epoch seconds).
    {"td_tool_versions", R"SQL(
SELECT version, count(*), extract(epoch FROM max(checked_at))::float8 FROM tool_versions
 WHERE tool = $1 AND expires_at > now()
 GROUP BY version ORDER BY count(*) DESC, max(checked_at) DESC)SQL"},
};
const size_t kToolVersionStatementCount = std::size(kToolVersionStatements);

void record_tool_version(pqxx::transaction_base& tx, const std::string& tool, const std::string& owner,
                         const std::string& version, const std::string& path, std::chrono::seconds ttl) {
  tx.exec_prepared("td_tool_version_put", tool, owner, version, path, static_cast<int64_t>(ttl.count()));
  tx.exec_prepared("td_tool_version_sweep");
}

std::vector<ToolVersion> tool_versions(pqxx::transaction_base& tx, const std::string& tool) {
  std::vector<ToolVersion> out;
  for (const auto& r : tx.exec_prepared("td_tool_versions", tool))
    out.push_back({r[0].as<std::string>(), r[1].as<int64_t>(), from_epoch(r[2].as<double>())});
  return out;
}

}  // namespace td::store
