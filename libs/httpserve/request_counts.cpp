#include "httpserve/request_counts.h"

namespace td::httpserve {

void RequestCounts::add(const std::string& route, int status, uint64_t n) {
  std::lock_guard lk(mu_);
  counts_[Key{route, status}] += n;
}

RequestCounts::Map RequestCounts::take() {
  std::lock_guard lk(mu_);
  Map out;
  out.swap(counts_);
  return out;
}

void RequestCounts::give_back(const Map& counts) {
  std::lock_guard lk(mu_);
  for (const auto& [k, n] : counts) counts_[k] += n;
}

}  // namespace td::httpserve
