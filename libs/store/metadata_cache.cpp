#include "store/metadata_cache.h"

#include "store/statements.h"

namespace td::store {

const Statement kMetadataCacheStatements[] = {
    {"td_metadata_cached", R"SQL(
SELECT metadata::text FROM metadata_cache WHERE video_id = $1 AND fetched_at > now() - $2 * interval '1 second')SQL"},
    {"td_metadata_cache_put", R"SQL(
INSERT INTO metadata_cache (video_id, metadata, source) VALUES ($1, $2::jsonb, $3)
ON CONFLICT (video_id) DO UPDATE SET metadata = excluded.metadata, source = excluded.source, fetched_at = now())SQL"},
};
const size_t kMetadataCacheStatementCount = std::size(kMetadataCacheStatements);

std::optional<nlohmann::json> cached_metadata(pqxx::transaction_base& tx, const std::string& video_id,
                                              std::chrono::seconds ttl) {
  auto rows = tx.exec_prepared("td_metadata_cached", video_id, static_cast<int64_t>(ttl.count()));
  if (rows.empty()) return std::nullopt;
  return nlohmann::json::parse(rows[0][0].as<std::string>());
}

void cache_metadata(pqxx::transaction_base& tx, const std::string& video_id, const nlohmann::json& metadata,
                    const std::string& source) {
  tx.exec_prepared("td_metadata_cache_put", video_id, metadata.dump(), source);
}

}  // namespace td::store
