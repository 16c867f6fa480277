// In-memory cache of rendered reports (GET /api/reports/yt:<id>), so a hot
// report is served without touching Postgres.
//
// Correctness across replicas: every gateway's outbox reader sees every
// event, and calls invalidate(video_id) for each one (report-updated,
// audio-ready, report-deleted, ...), so no replica keeps serving a report
// older than the last event it has read. Changes that emit no event (a job
// going from queued to running) show up when the entry's TTL passes.
//
// The load race: request R reads the report, then an event for that video
// invalidates the entry, then R stores what it read (now stale). To stop
// that, R takes a ticket (the video's stripe generation) before reading;
// invalidate() bumps the generation, and put() drops a value whose ticket is
// older. Generations are kept per stripe (hash of the id), not per id, so
// the table stays bounded; a collision only costs a cache miss.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace td::gateway {

struct CachedReport {
  nlohmann::json json;                      // for the list endpoint
  std::shared_ptr<const std::string> body;  // the bytes served
  std::string etag;
};

class ReportCache {
 public:
  ReportCache(std::chrono::milliseconds ttl, size_t max_entries);

  using Ticket = uint64_t;
  Ticket ticket(const std::string& video_id) const;
  std::shared_ptr<const CachedReport> get(const std::string& video_id) const;
  // Stores unless the video was invalidated since `ticket` was taken.
  void put(const std::string& video_id, Ticket ticket, std::shared_ptr<const CachedReport> report);
  void invalidate(const std::string& video_id);
  void clear();

  struct Stats {
    uint64_t hits = 0, misses = 0, invalidations = 0, entries = 0;
  };
  Stats stats() const;

 private:
  static constexpr size_t kStripes = 256;
  size_t stripe(const std::string& id) const { return std::hash<std::string>{}(id) % kStripes; }

  struct Entry {
    std::shared_ptr<const CachedReport> report;
    std::chrono::steady_clock::time_point expires;
  };
  const std::chrono::milliseconds ttl_;
  const size_t max_entries_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::array<std::atomic<uint64_t>, kStripes> generation_{};
  mutable std::atomic<uint64_t> hits_{0}, misses_{0};
  std::atomic<uint64_t> invalidations_{0};
};

}  // namespace td::gateway
