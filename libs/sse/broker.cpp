#include "sse/broker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "sse/core.h"

namespace td::sse {

namespace detail {

void Core::fan_out_locked(const FlushPtr& flush, bool batched_stream) {
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
    bool notify = false;
    {
      std::lock_guard lk(st->mu);
      if (st->dropped || st->closed) continue;
      st->queue.push_back(Queued{flush, bytes, events});
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
      notify = true;
    }
    if (notify) st->cv.notify_one();
  }
}

void Core::flush_window_locked() {
  if (pending.empty()) return;
  auto fl = flush_batched(pending, pending_unit);
  last_flushed = fl->max_id;
  pending.clear();
  pending_unit.clear();
  fan_out_locked(fl, true);
}

void Core::batcher_loop() {
  std::unique_lock lk(mu);
  while (!stopping) {
    if (pending.empty()) {
      batch_cv.wait(lk, [&] { return stopping || !pending.empty(); });
      continue;
    }
    if (batch_cv.wait_until(lk, window_end, [&] { return stopping; })) break;
    flush_window_locked();
  }
}

void Core::unregister(const std::shared_ptr<SubState>& st) {
  std::lock_guard lk(mu);
  auto it = std::find(subs.begin(), subs.end(), st);
  if (it != subs.end()) {
    *it = std::move(subs.back());
    subs.pop_back();
    clients_current--;
  }
}

}  // namespace detail

Broker::Broker(BrokerConfig cfg, ReplaySource replay) : core_(std::make_shared<detail::Core>()) {
  core_->cfg = cfg;
  core_->replay = std::move(replay);
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
  std::lock_guard lk(c.mu);
  if (c.stopping) return;
  // Ids already published are ignored: a reader that restarts from an older
  // position must not send duplicates.
  auto first_new = std::find_if(events.begin(), events.end(), [&](const Event& e) { return e.id > c.last_published; });
  if (first_new != events.begin()) {
    spdlog::debug("sse: ignoring {} already published events (last={})", first_new - events.begin(), c.last_published);
    events.erase(events.begin(), first_new);
  }
  if (events.empty()) return;

  auto unit = flush_unbatched(events);
  c.last_published = unit->max_id;
  c.events_broadcast += events.size();
  c.fan_out_locked(unit, false);

  if (c.cfg.batch_window.count() <= 0) {
    c.last_flushed = unit->max_id;
    c.fan_out_locked(unit, true);
    return;
  }
  bool was_empty = c.pending.empty();
  for (size_t i = 0; i < events.size(); ++i) {
    c.pending.push_back(std::move(events[i]));
    c.pending_unit.push_back(unit->frames[i]);
  }
  if (was_empty) {
    c.window_end = std::chrono::steady_clock::now() + c.cfg.batch_window;
    c.batch_cv.notify_one();
  }
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
