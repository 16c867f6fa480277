#include "gateway/report_cache.h"

namespace td::gateway {

ReportCache::ReportCache(std::chrono::milliseconds ttl, size_t max_entries) : ttl_(ttl), max_entries_(max_entries) {}

ReportCache::Ticket ReportCache::ticket(const std::string& video_id) const {
  return generation_[stripe(video_id)].load(std::memory_order_acquire);
}

std::shared_ptr<const CachedReport> ReportCache::get(const std::string& video_id) const {
  {
    std::shared_lock lk(mu_);
    auto it = entries_.find(video_id);
    if (it != entries_.end() && std::chrono::steady_clock::now() < it->second.expires) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return it->second.report;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void ReportCache::put(const std::string& video_id, Ticket ticket, std::shared_ptr<const CachedReport> report) {
  if (ttl_.count() <= 0 || max_entries_ == 0) return;
  auto now = std::chrono::steady_clock::now();
  std::unique_lock lk(mu_);
  // Checked under the lock that invalidate() also takes, so an invalidation
  // either happens before (the ticket is stale: drop) or after (it erases us).
  if (generation_[stripe(video_id)].load(std::memory_order_acquire) != ticket) return;
  if (entries_.size() >= max_entries_ && !entries_.count(video_id)) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = it->second.expires <= now ? entries_.erase(it) : std::next(it);
    }
    // Still full: evict an arbitrary entry; the cache is a convenience.
    if (entries_.size() >= max_entries_) entries_.erase(entries_.begin());
  }
  entries_[video_id] = Entry{std::move(report), now + ttl_};
}

void ReportCache::invalidate(const std::string& video_id) {
  std::unique_lock lk(mu_);
  generation_[stripe(video_id)].fetch_add(1, std::memory_order_acq_rel);
  entries_.erase(video_id);
  invalidations_.fetch_add(1, std::memory_order_relaxed);
}

void ReportCache::clear() {
  std::unique_lock lk(mu_);
  for (auto& g : generation_) g.fetch_add(1, std::memory_order_acq_rel);
  entries_.clear();
}

ReportCache::Stats ReportCache::stats() const {
  std::shared_lock lk(mu_);
  return {hits_.load(), misses_.load(), invalidations_.load(), entries_.size()};
}

}  // namespace td::gateway
