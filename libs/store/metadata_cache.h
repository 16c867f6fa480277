// metadata_cache: YouTube metadata kept for METADATA_CACHE_TTL, so a second
// request for a video within the TTL makes no outside call.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace td::store {

std::optional<nlohmann::json> cached_metadata(pqxx::transaction_base& tx, const std::string& video_id,
                                              std::chrono::seconds ttl);
void cache_metadata(pqxx::transaction_base& tx, const std::string& video_id, const nlohmann::json& metadata,
                    const std::string& source);

}  // namespace td::store
