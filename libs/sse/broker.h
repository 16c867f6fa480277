// In-process fan-out of outbox events to Server-Sent-Events clients.
//
// 1. Where events come from. One outbox reader per gateway process (the
//    events library) calls Broker::publish() with committed events in id
//    order, never skipping one. publish() formats each event once into a
//    Frame (frame.h) and hands a shared pointer to every subscription whose
//    filter matches. It takes each subscription's mutex only to append to its
//    queue: it never writes to a socket, so a slow client cannot slow it.
//
// 2. Batching. Subscriptions with batch on (the default) do not get the
//    per-event frames: the broker collects the events of a window, then a
//    batcher thread merges events of the same (video_id, type) into one frame
//    carrying the highest id (frame.h describes the merged JSON) and fans the
//    whole window out as one Flush. batch=0 clients get every event as it is
//    published. batch_window = 0 turns batching off for everybody.
//
//    batch_window (SSE_BATCH_MS, 250 ms) is a delivery budget, not a sleep:
//    an event that opens a window must reach the batched clients within it.
//    Fanning a flush out is not free here (one thread per stream, see 6: at
//    2,000 clients on 2 cores the last writer finishes 40-60 ms after the
//    first), so a window closes `reserve` before its deadline:
//      reserve = 1.5 x lag_per_client x batched clients + delivery_slack,
//    at most half the window (1.5: clients read after the server wrote, and
//    the next flush may be slower than the last ones). lag_per_client is
//    measured: each batched writer reports how long after the fan-out its
//    write completed; the batcher keeps a decaying maximum of (99th
//    percentile of those / clients) per flush (a few stuck clients are late
//    anyway and must not shrink every window),
//    seeded with fanout_seed_per_client so the first window after a start is
//    not late. With a few clients a window stays almost the whole budget;
//    with 2,000 it merges about 180 ms of events and still lands by 250 ms.
//    (Sleeping the whole window and then fanning out made p99 = window +
//    fan-out, 305 ms at 2,000 clients; bench/README.md.)
//
// 3. Resume exactness. A client's Last-Event-ID must mean "I have everything
//    up to here that my filter lets through". Merged frames can break that:
//    window {5: video A, 8: video B, 10: video A} gives frames A(5,10) and
//    B(8); whichever goes first, an id on it would hide the other's events.
//    So each client renders a window itself (render() in frame.h): frames in
//    max-id order, and a frame carries `id:` only if no later frame *that this
//    client receives* holds a smaller event id. The last frame of a window
//    always carries its id. A client cut off mid-window may get a few frames
//    of that window again; it never misses one.
//
// 4. Resume seam. subscribe() registers the client and records, under the
//    same lock publish() and the batcher hold, H = the highest id already
//    delivered to its stream (published for batch=0, flushed for batched).
//    Every frame queued afterwards holds only ids > H. The subscription then
//    replays ids in (Last-Event-ID, H] from the outbox (ReplaySource, pages of
//    replay_page) and then drains its queue: no gap (everything <= H was
//    committed before it was published, so the outbox has it) and no
//    duplicate (the queue starts after H), whatever is published meanwhile.
//    A stream without Last-Event-ID starts with `id: H` and no data (the
//    spec sets lastEventId even when no event fires), and a replay ends with
//    `id: H`: a client that saw no event, or whose filter let nothing through
//    lately, still resumes from H instead of from nothing or from far back.
//    If the outbox no longer holds Last-Event-ID + 1 (oldest_retained_id() is
//    above it) or there is no ReplaySource, the client gets one `reset` event
//    (id H) telling it to refetch its state, then goes live. A Last-Event-ID
//    above H (a client coming from a replica that is ahead) skips live frames
//    up to it.
//
// 5. Slow clients. Each subscription counts the bytes queued for it and not
//    yet taken by its writer. Past client_buffer_bytes the broker drops it:
//    the queue is freed, its events count as events_failed, and the writer's
//    next call returns Next::Dropped so the HTTP layer closes the connection.
//    The client reconnects with its Last-Event-ID and replays what it missed.
//    A writer stuck in a socket write is bounded by the server write timeout.
//
// 6. Threads (the cpp-httplib 0.11.4 constraint). httplib runs a connection
//    as one task of its TaskQueue and a chunked content provider runs inside
//    that task, so every open stream holds one thread for its whole life;
//    httplib has no way to hand a socket to an event loop. The options were:
//      a) a fixed big ThreadPool: 2,000+ threads always, even when idle;
//      b) a second httplib::Server on another port just for SSE: needs the
//         proxy to route it, and still one thread per stream;
//      c) our own epoll SSE server beside httplib: no thread per stream, but a
//         second HTTP implementation to maintain for one endpoint.
//    We take an elastic pool on the one server (td::httpserve::
//    ElasticThreadPool, configure_server): api_threads always there, a new
//    thread per connection when none is idle, up to api_threads +
//    SSE_MAX_CLIENTS (default stacks: see pool.h for why not small ones).
//    The broker refuses clients beyond
//    max_clients with 503 + Retry-After *before* the pool is full, so the API
//    always has its api_threads. An idle stream thread sleeps on its own
//    condition variable (woken only by frames that match its filter, a
//    heartbeat deadline or a 500 ms tick to notice server stop), so 2,000
//    sleeping threads cost memory, not CPU; bench/sse measures both
//    (about 60 KiB RSS per stream including both socket ends on this machine).
//
// 7. Shutdown. Broker::shutdown() (or the destructor) ends every stream:
//    next() returns Closed and the provider finishes the chunked body. The
//    provider also waits at most 500 ms per call, so httplib's stop() (which
//    checks between provider calls) never waits on an open stream longer.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sse/frame.h"

namespace td::sse {

struct BrokerConfig {
  std::chrono::milliseconds batch_window{250};  // SSE_BATCH_MS; 0 = no batching
  std::chrono::milliseconds heartbeat{15000};   // SSE_HEARTBEAT_S
  size_t max_clients = 2000;                    // SSE_MAX_CLIENTS
  size_t client_buffer_bytes = 1 << 20;         // SSE_CLIENT_BUFFER_BYTES
  std::chrono::milliseconds retry{3000};        // SSE_RETRY_MS: `retry:` hint sent first
  std::chrono::seconds retry_after{5};          // Retry-After on 503 at the cap
  size_t replay_page = 500;                     // outbox rows per replay query
  size_t max_chunk_bytes = 256 * 1024;          // one socket write at most
  // The window deadline model (2): a first guess of the fan-out cost per
  // batched client, and the time allowed for the outbox reader and the
  // client's own read. Tests set both to 0 to get exact windows.
  std::chrono::nanoseconds fanout_seed_per_client{50'000};
  std::chrono::milliseconds delivery_slack{10};

  // Reads the SSE_* variables above; invalid values throw std::invalid_argument
  // naming the variable.
  static BrokerConfig from_env();
};

// Reads the outbox for replay. Supplied by the events library. Called from the
// client's HTTP thread, so several can run at once (use a connection pool).
struct ReplaySource {
  // Events with id > after, ascending, at most limit. May throw: the stream
  // then ends and the client reconnects.
  std::function<std::vector<Event>(int64_t after, size_t limit)> fetch_after;
  // The smallest id still stored; every event with a larger id is still there.
  // When the outbox is empty: the next id it would hand out.
  std::function<int64_t()> oldest_retained_id;
  explicit operator bool() const { return fetch_after && oldest_retained_id; }
};

struct Counters {
  uint64_t clients_total = 0;     // subscriptions ever accepted
  uint64_t clients_current = 0;   // open now
  uint64_t clients_rejected = 0;  // refused at max_clients
  uint64_t clients_dropped = 0;   // dropped as slow (buffer over the limit)
  uint64_t events_broadcast = 0;  // events published (each counted once)
  uint64_t events_delivered = 0;  // event x client handed to a socket
  uint64_t events_failed = 0;     // event x client lost to a drop or failed write
  int64_t last_event_id = 0;      // highest id published
};

struct SubscribeOptions {
  Filter filter;
  bool batch = true;
  std::optional<int64_t> last_event_id;
};

namespace detail {
struct Core;
struct SubState;
}  // namespace detail

class Subscription {
 public:
  enum class Next {
    Data,     // `out` holds bytes to write
    Idle,     // nothing within max_wait; call again
    Closed,   // broker shut down: end the stream cleanly
    Dropped,  // too slow, or replay failed: close the connection
  };

  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Waits at most max_wait. The first call gives the `retry:` hint, then any
  // replay, then live frames and heartbeats (`: heartbeat`) when nothing was
  // written for the heartbeat interval. Only one thread may call it.
  Next next(std::string& out, std::chrono::milliseconds max_wait);
  // The bytes of the last Data could not be written: counts them (and what is
  // queued) as failed and closes.
  void write_failed();
  // Frees the slot. Idempotent; the destructor calls it.
  void close();

  // The resume horizon H taken at subscribe (see broker.h, 4).
  int64_t start_id() const { return start_id_; }

 private:
  friend class Broker;
  Subscription(std::shared_ptr<detail::Core> core, std::shared_ptr<detail::SubState> st, SubscribeOptions opts,
               int64_t start_id);
  bool replay_step(std::string& out);

  enum class Phase { Hello, Replay, Live };
  std::shared_ptr<detail::Core> core_;
  std::shared_ptr<detail::SubState> st_;
  SubscribeOptions opts_;
  int64_t start_id_;
  int64_t replay_cursor_ = 0;
  int64_t skip_upto_ = 0;
  Phase phase_ = Phase::Hello;
  size_t last_chunk_events_ = 0;
  std::chrono::steady_clock::time_point last_write_;
  // Set when the last Data held live batched frames: when they were fanned
  // out. The next call (the write is done by then) reports the lag.
  std::optional<std::chrono::steady_clock::time_point> lag_from_;
  bool closed_ = false;
};

class Broker {
 public:
  explicit Broker(BrokerConfig cfg = {}, ReplaySource replay = {});
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Set before serving (not synchronised with subscribe()).
  void set_replay_source(ReplaySource replay);

  // The outbox position the reader starts after (its settled id at start).
  // Call before serving: streams that subscribe before the first publish()
  // then take it as their resume horizon H, so a client resuming with an
  // older Last-Event-ID replays the events committed while no gateway was
  // reading, instead of skipping them. Never moves the position back.
  void start_after(int64_t id);

  // Events in id order. Ids at or below the highest already published are
  // ignored (a reader restarting from an older position cannot duplicate).
  void publish(std::vector<Event> events);

  // nullptr when max_clients are connected (answer 503) or after shutdown().
  std::shared_ptr<Subscription> subscribe(SubscribeOptions opts);
  // shutdown() was called.
  bool stopped() const;

  Counters counters() const;
  const BrokerConfig& config() const;

  // Ends every stream and refuses new ones. Idempotent.
  void shutdown();

 private:
  std::shared_ptr<detail::Core> core_;
};

}  // namespace td::sse
