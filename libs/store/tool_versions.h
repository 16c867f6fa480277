// tool_versions: which version of an outside tool (yt-dlp) each live process
// runs with. Rows expire by themselves, so a stopped process drops out.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/clock.h"

namespace td::store {

// Writes (or refreshes) this owner's row; it counts until `ttl` has passed.
void record_tool_version(pqxx::transaction_base& tx, const std::string& tool, const std::string& owner,
                         const std::string& version, const std::string& path, std::chrono::seconds ttl);

struct ToolVersion {
  std::string version;
  int64_t processes = 0;         // live owners running it
  Clock::time_point checked_at;  // the newest check among them
};

// Live versions of `tool`, the most widely run first (ties: the newest check).
std::vector<ToolVersion> tool_versions(pqxx::transaction_base& tx, const std::string& tool);

}  // namespace td::store
