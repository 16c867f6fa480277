#include "sse/broker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "sse/core.h"

namespace td::sse {

namespace detail {

size_t Core::fan_out_locked(const FlushPtr& flush, bool batched_stream) {
  const auto now = std::chrono::steady_clock::now();
  size_t queued = 0;
  for (const auto& st : subs) {
    if (st->batch != batched_stream) continue;
    size_t bytes = 0, events = 0;
    for (const auto& f : flush->frames) {
      if (st->filter.matches(f->type, f->video_id)) {
        bytes += f->bytes.size() + 24;  // + the id line
        events += f->count;
      }
    }
    if (events == 0) continue;  // nothing for it: do not even wake it
    {
      std::lock_guard lk(st->mu);
      if (st->dropped || st->closed) continue;
      st->queue.push_back(Queued{flush, bytes, events, now});
      st->unsent_bytes += bytes;
      st->unsent_events += events;
      if (st->unsent_bytes > cfg.client_buffer_bytes) {
        // Too slow: free what it holds; it resumes by id after reconnecting.
        st->dropped = true;
        events_failed += st->unsent_events;
        clients_dropped++;
        st->queue.clear();
        st->unsent_bytes = st->unsent_events = 0;
      }
    }
    to_wake.push_back(st);
    queued++;
  }
  return queued;
}

void Core::wake(std::vector<std::shared_ptr<SubState>>& woken) {
  for (auto& st : woken) st->cv.notify_one();
  woken.clear();
}

std::chrono::steady_clock::duration Core::delivery_reserve_locked() const {
  // The writers' lag is measured at the server; clients read after it, and
  // a flush can be slower than the last few were: 1.5x headroom.
  constexpr double kHeadroom = 1.5;
  auto reserve = std::chrono::nanoseconds(
                     static_cast<int64_t>(kHeadroom * lag_per_client_ns * static_cast<double>(batched_subs))) +
                 std::chrono::duration_cast<std::chrono::nanoseconds>(cfg.delivery_slack);
  return std::min<std::chrono::steady_clock::duration>(reserve, cfg.batch_window / 2);
}

void Core::note_batch_lag(std::chrono::steady_clock::time_point queued_at) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - queued_at);
  const size_t bucket = std::min<size_t>(static_cast<size_t>(std::max<int64_t>(0, ms.count())), kLagBuckets - 1);
  batch_lag_ms[bucket].fetch_add(1, std::memory_order_relaxed);
}

namespace {
// The 99th percentile of the lags counted since the last call, in ns (the
// upper edge of its bucket); 0 when none were counted. Resets the counts.
int64_t take_lag_p99(std::array<std::atomic<uint32_t>, Core::kLagBuckets>& buckets) {
  std::array<uint32_t, Core::kLagBuckets> n{};
  uint64_t total = 0;
  for (size_t i = 0; i < buckets.size(); ++i) total += n[i] = buckets[i].exchange(0, std::memory_order_relaxed);
  if (total == 0) return 0;
  const uint64_t want = (total * 99 + 99) / 100;
  uint64_t seen = 0;
  for (size_t i = 0; i < n.size(); ++i) {
    seen += n[i];
    if (seen >= want) return static_cast<int64_t>(i + 1) * 1'000'000;
  }
  return static_cast<int64_t>(n.size()) * 1'000'000;
}
}  // namespace

void Core::flush_window_locked() {
  if (pending.empty()) return;
  // Fold in how slow the previous flush was: a decaying maximum, so one
  // slow flush raises the reserve at once and it eases off over ~10 flushes.
  const int64_t slow = take_lag_p99(batch_lag_ms);
  if (last_flush_clients > 0 && slow > 0) {
    const double observed = static_cast<double>(slow) / static_cast<double>(last_flush_clients);
    lag_per_client_ns = std::max(observed, lag_per_client_ns * 0.8);
  }
  auto fl = flush_batched(pending, pending_unit);
  last_flushed = fl->max_id;
  pending.clear();
  pending_unit.clear();
  if (const size_t n = fan_out_locked(fl, true); n > 0) last_flush_clients = n;
}

void Core::batcher_loop() {
  std::vector<std::shared_ptr<SubState>> woken;
  std::unique_lock lk(mu);
  while (!stopping) {
    if (pending.empty()) {
      batch_cv.wait(lk, [&] { return stopping || !pending.empty(); });
      continue;
    }
    if (batch_cv.wait_until(lk, window_end, [&] { return stopping; })) break;
    flush_window_locked();
    woken.swap(to_wake);
    lk.unlock();
    wake(woken);
    lk.lock();
  }
}

void Core::unregister(const std::shared_ptr<SubState>& st) {
  std::lock_guard lk(mu);
  auto it = std::find(subs.begin(), subs.end(), st);
  if (it != subs.end()) {
    if (st->batch) batched_subs--;
    *it = std::move(subs.back());
    subs.pop_back();
    clients_current--;
  }
}

}  // namespace detail

Broker::Broker(BrokerConfig cfg, ReplaySource replay) : core_(std::make_shared<detail::Core>()) {
  core_->cfg = cfg;
  core_->replay = std::move(replay);
  core_->lag_per_client_ns = static_cast<double>(cfg.fanout_seed_per_client.count());  // until measured
  if (cfg.batch_window.count() > 0) {
    core_->batcher = std::thread([core = core_.get()] { core->batcher_loop(); });
  }
}

Broker::~Broker() { shutdown(); }

void Broker::set_replay_source(ReplaySource replay) {
  std::lock_guard lk(core_->mu);
  core_->replay = std::move(replay);
}

void Broker::start_after(int64_t id) {
  auto& c = *core_;
  std::lock_guard lk(c.mu);
  c.last_published = std::max(c.last_published, id);
  if (c.pending.empty()) c.last_flushed = std::max(c.last_flushed, id);
}

void Broker::publish(std::vector<Event> events) {
  if (events.empty()) return;
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.id < b.id; });
  auto& c = *core_;
  auto unit = flush_unbatched(events);
  std::vector<std::shared_ptr<detail::SubState>> woken;
  {
    std::lock_guard lk(c.mu);
    if (c.stopping) return;
    // Ids already published are ignored: a reader that restarts from an
    // older position must not send duplicates.
    size_t skip = 0;
    while (skip < events.size() && events[skip].id <= c.last_published) ++skip;
    if (skip > 0) {
      spdlog::debug("sse: ignoring {} already published events (last={})", skip, c.last_published);
      if (skip == events.size()) return;
      events.erase(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(skip));
      unit = flush_unbatched(events);
    }
    c.last_published = unit->max_id;
    c.events_broadcast += events.size();
    c.fan_out_locked(unit, false);

    if (c.cfg.batch_window.count() <= 0) {
      c.last_flushed = unit->max_id;
      c.fan_out_locked(unit, true);
    } else {
      bool was_empty = c.pending.empty();
      for (size_t i = 0; i < events.size(); ++i) {
        c.pending.push_back(std::move(events[i]));
        c.pending_unit.push_back(unit->frames[i]);
      }
      if (was_empty) {
        c.window_end = std::chrono::steady_clock::now() + c.cfg.batch_window - c.delivery_reserve_locked();
        c.batch_cv.notify_one();
      }
    }
    woken.swap(c.to_wake);
  }
  c.wake(woken);
}

std::shared_ptr<Subscription> Broker::subscribe(SubscribeOptions opts) {
  auto& c = *core_;
  auto st = std::make_shared<detail::SubState>();
  st->filter = opts.filter;
  st->batch = opts.batch && c.cfg.batch_window.count() > 0;
  int64_t start = 0;
  {
    std::lock_guard lk(c.mu);
    if (c.stopping) return nullptr;
    if (c.subs.size() >= c.cfg.max_clients) {
      c.clients_rejected++;
      return nullptr;
    }
    c.subs.push_back(st);
    if (st->batch) c.batched_subs++;
    start = st->batch ? c.last_flushed : c.last_published;
    c.clients_total++;
    c.clients_current++;
  }
  return std::shared_ptr<Subscription>(new Subscription(core_, st, std::move(opts), start));
}

Counters Broker::counters() const {
  auto& c = *core_;
  Counters out;
  out.clients_total = c.clients_total;
  out.clients_current = c.clients_current;
  out.clients_rejected = c.clients_rejected;
  out.clients_dropped = c.clients_dropped;
  out.events_broadcast = c.events_broadcast;
  out.events_delivered = c.events_delivered;
  out.events_failed = c.events_failed;
  std::lock_guard lk(c.mu);
  out.last_event_id = c.last_published;
  return out;
}

const BrokerConfig& Broker::config() const { return core_->cfg; }

bool Broker::stopped() const {
  std::lock_guard lk(core_->mu);
  return core_->stopping;
}

void Broker::shutdown() {
  auto& c = *core_;
  std::vector<std::shared_ptr<detail::SubState>> subs;
  {
    std::lock_guard lk(c.mu);
    if (c.stopping) return;
    c.stopping = true;
    subs = c.subs;
  }
  c.batch_cv.notify_all();
  if (c.batcher.joinable()) c.batcher.join();
  for (auto& st : subs) {
    {
      std::lock_guard lk(st->mu);
      st->closed = true;
    }
    st->cv.notify_all();
  }
}

}  // namespace td::sse
