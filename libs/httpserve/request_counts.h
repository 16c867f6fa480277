// Requests answered, by route name and status code, counted in memory.
//
// A database write per request would cost more than most requests do, so
// the server only bumps a number here (one short lock); the owner takes the
// counts periodically and adds them to the shared metrics tables in one
// transaction (the gateway: OutboxFeed::write_metrics, every
// SSE_METRICS_INTERVAL and at stop). A write that fails hands the counts
// back, so the sums over replicas stay exact: nothing is lost, nothing is
// counted twice.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace td::httpserve {

class RequestCounts {
 public:
  using Key = std::pair<std::string, int>;  // route name, status code
  using Map = std::map<Key, uint64_t>;

  void add(const std::string& route, int status, uint64_t n = 1);
  // The counts since the last take(), which start again from zero.
  Map take();
  // Counts a failed write could not store, kept for the next take().
  void give_back(const Map& counts);

 private:
  std::mutex mu_;
  Map counts_;
};

}  // namespace td::httpserve
