// Internal to td_sse: the state the broker and its subscriptions share.
// Lock order: Core::mu before SubState::mu; a subscription's writer takes only
// SubState::mu (and Core::mu to register / unregister).
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "sse/broker.h"

namespace td::sse::detail {

struct Queued {
  FlushPtr flush;
  size_t bytes = 0;                                 // bytes of the frames that match this subscription
  size_t events = 0;                                // events in those frames
  std::chrono::steady_clock::time_point queued_at;  // when the broker fanned it out
};

struct SubState {
  Filter filter;
  bool batch = true;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<Queued> queue;
  size_t unsent_bytes = 0, unsent_events = 0;
  bool dropped = false;
  bool closed = false;  // broker shut down
};

struct Core {
  BrokerConfig cfg;
  ReplaySource replay;

  mutable std::mutex mu;
  std::condition_variable batch_cv;
  std::vector<std::shared_ptr<SubState>> subs;
  size_t batched_subs = 0;     // subs with batch on
  int64_t last_published = 0;  // highest id handed to batch=0 streams
  int64_t last_flushed = 0;    // highest id handed to batched streams
  std::vector<Event> pending;  // the open batch window
  std::vector<FramePtr> pending_unit;
  std::chrono::steady_clock::time_point window_end;
  // Fan-out cost model for the window deadline (broker.h, 2). Batched
  // writers count how long after a flush they finished writing it, in 1 ms
  // buckets (the last one holds everything longer); at the next flush the
  // batcher takes the 99th percentile, so a few stuck clients do not shrink
  // every window, and divides it by the clients that flush went to.
  static constexpr size_t kLagBuckets = 1024;
  std::array<std::atomic<uint32_t>, kLagBuckets> batch_lag_ms{};
  double lag_per_client_ns = 0;   // starts at cfg.fanout_seed_per_client
  size_t last_flush_clients = 0;  // batched clients the last flush went to
  bool stopping = false;
  std::thread batcher;

  std::atomic<uint64_t> clients_total{0}, clients_current{0}, clients_rejected{0}, clients_dropped{0},
      events_broadcast{0}, events_delivered{0}, events_failed{0};

  std::vector<std::shared_ptr<SubState>> to_wake;  // filled under mu, woken after

  // Queues `flush` on every subscription of that stream whose filter matches
  // at least one frame; drops the ones over their byte limit. Holds mu.
  // Returns how many subscriptions got it; they are added to to_wake.
  size_t fan_out_locked(const FlushPtr& flush, bool batched_stream);
  // Wakes to_wake. Call without mu: 2,000 futex wakes under the lock would
  // hold up publish() and subscribe() for milliseconds.
  void wake(std::vector<std::shared_ptr<SubState>>& subs);
  void flush_window_locked();
  // How long before its deadline a window must close so that its frames
  // reach every batched client in time. Holds mu.
  std::chrono::steady_clock::duration delivery_reserve_locked() const;
  // A batched writer finished writing frames queued at `queued_at`.
  void note_batch_lag(std::chrono::steady_clock::time_point queued_at);
  void batcher_loop();
  void unregister(const std::shared_ptr<SubState>& st);
};

}  // namespace td::sse::detail
