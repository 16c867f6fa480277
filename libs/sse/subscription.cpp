#include <spdlog/spdlog.h>

#include "sse/broker.h"
#include "sse/core.h"

namespace td::sse {

using namespace std::chrono;

Subscription::Subscription(std::shared_ptr<detail::Core> core, std::shared_ptr<detail::SubState> st,
                           SubscribeOptions opts, int64_t start_id)
    : core_(std::move(core)), st_(std::move(st)), opts_(std::move(opts)), start_id_(start_id) {
  opts_.batch = st_->batch;  // batching may be off broker-wide; replay must match the live stream
  if (opts_.last_event_id) {
    skip_upto_ = *opts_.last_event_id;
    replay_cursor_ = *opts_.last_event_id;
  }
  last_write_ = steady_clock::now();
}

Subscription::~Subscription() { close(); }

void Subscription::close() {
  if (closed_) return;
  closed_ = true;
  core_->unregister(st_);
}

void Subscription::write_failed() {
  size_t lost = last_chunk_events_;
  {
    std::lock_guard lk(st_->mu);
    lost += st_->unsent_events;
    st_->queue.clear();
    st_->unsent_bytes = st_->unsent_events = 0;
  }
  core_->events_failed += lost;
  core_->events_delivered -= std::min<uint64_t>(core_->events_delivered, last_chunk_events_);
  last_chunk_events_ = 0;
  close();
}

// One replay step: either the reset event or one page of outbox rows.
// Returns false when replay is over (out may still hold the last page).
bool Subscription::replay_step(std::string& out) {
  const int64_t last = *opts_.last_event_id;
  ReplaySource src;
  {
    std::lock_guard lk(core_->mu);
    src = core_->replay;
  }
  if (replay_cursor_ == last) {  // first step: can the outbox still cover it?
    int64_t oldest = src ? src.oldest_retained_id() : 0;
    if (!src || last + 1 < oldest) {
      nlohmann::json data{{"type", "reset"},        {"reason", src ? "last_event_id_expired" : "replay_unavailable"},
                          {"last_event_id", last},  {"oldest_retained_id", oldest},
                          {"resume_id", start_id_}, {"at", format_time(system_clock::now())}};
      auto f = make_control_frame("reset", data, start_id_);
      out += "id: " + std::to_string(start_id_) + "\n" + f->bytes;
      spdlog::info("sse: reset client last_event_id={} oldest_retained={}", last, oldest);
      return false;
    }
  }
  // Replay over: everything up to H that the filter lets through was sent.
  // Saying so with an id (no data) spares a filtered client, whose last
  // frame may be far behind H, replaying the same span after a disconnect.
  auto done = [&] {
    out += "id: " + std::to_string(start_id_) + "\n\n";
    return false;
  };
  while (replay_cursor_ < start_id_) {
    auto page = src.fetch_after(replay_cursor_, core_->cfg.replay_page);
    if (page.empty()) return done();  // purged meanwhile: nothing more to give
    int64_t page_last = page.back().id;
    if (page_last <= replay_cursor_) return false;  // a reader that does not advance
    // Ids above H arrive live; keep only (cursor, H].
    std::erase_if(page, [&](const Event& e) { return e.id <= replay_cursor_ || e.id > start_id_; });
    replay_cursor_ = std::min(page_last, start_id_);
    if (page.empty()) continue;
    auto fl = opts_.batch ? flush_batched(page, {}) : flush_unbatched(page);
    auto n = render(*fl, opts_.filter, 0, out);
    last_chunk_events_ += n.events;
    if (!out.empty()) return replay_cursor_ < start_id_ ? true : done();
  }
  return done();
}

Subscription::Next Subscription::next(std::string& out, milliseconds max_wait) {
  out.clear();
  last_chunk_events_ = 0;
  if (closed_) return Next::Closed;
  if (lag_from_) {
    core_->note_batch_lag(*lag_from_);
    lag_from_.reset();
  }

  if (phase_ == Phase::Hello) {
    out = "retry: " + std::to_string(core_->cfg.retry.count()) + "\n";
    phase_ = (opts_.last_event_id && *opts_.last_event_id < start_id_) ? Phase::Replay : Phase::Live;
    // A client that is not replaying gets its resume point H at once, in a
    // message without data (EventSource sets lastEventId and fires nothing).
    // Otherwise a client that has seen no event yet would reconnect without
    // Last-Event-ID and miss what happened while it was away.
    if (!opts_.last_event_id) out += "id: " + std::to_string(start_id_) + "\n";
    out += "\n";
    last_write_ = steady_clock::now();
    return Next::Data;
  }

  if (phase_ == Phase::Replay) {
    try {
      if (!replay_step(out)) phase_ = Phase::Live;
    } catch (const std::exception& e) {
      spdlog::warn("sse: replay failed after id={}: {}", replay_cursor_, e.what());
      return Next::Dropped;
    }
    if (!out.empty()) {
      core_->events_delivered += last_chunk_events_;
      last_write_ = steady_clock::now();
      return Next::Data;
    }
  }

  const auto now = steady_clock::now();
  const auto heartbeat_at = last_write_ + core_->cfg.heartbeat;
  const auto wake_at = std::min(now + max_wait, heartbeat_at);
  std::unique_lock lk(st_->mu);
  st_->cv.wait_until(lk, wake_at, [&] { return !st_->queue.empty() || st_->dropped || st_->closed; });
  if (st_->dropped) return Next::Dropped;
  if (st_->closed) return Next::Closed;
  size_t taken_bytes = 0, taken_events = 0;
  std::optional<steady_clock::time_point> oldest;
  while (!st_->queue.empty() && out.size() < core_->cfg.max_chunk_bytes) {
    auto q = std::move(st_->queue.front());
    st_->queue.pop_front();
    if (!oldest) oldest = q.queued_at;
    taken_bytes += q.bytes;
    taken_events += q.events;
    lk.unlock();  // rendering needs no lock: the flush is immutable
    auto n = render(*q.flush, opts_.filter, skip_upto_, out);
    last_chunk_events_ += n.events;
    lk.lock();
  }
  st_->unsent_bytes -= std::min(st_->unsent_bytes, taken_bytes);
  st_->unsent_events -= std::min(st_->unsent_events, taken_events);
  lk.unlock();

  if (!out.empty()) {
    core_->events_delivered += last_chunk_events_;
    last_write_ = steady_clock::now();
    if (st_->batch) lag_from_ = oldest;
    return Next::Data;
  }
  if (steady_clock::now() >= heartbeat_at) {
    out = ": heartbeat\n\n";
    last_write_ = steady_clock::now();
    return Next::Data;
  }
  return Next::Idle;
}

}  // namespace td::sse
