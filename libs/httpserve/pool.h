// Thread pool and socket limits for the gateway's httplib::Server.
//
// httplib 0.11.4 runs each *connection* (not each request) as one task of the
// server's TaskQueue: the task loops over keep-alive requests and, for a
// streaming response, sits in the content provider until the stream ends. An
// open SSE stream therefore holds one pool thread for its whole life, and the
// stock ThreadPool(n) is fixed: with n = 8, eight dashboards would stop the
// API from answering.
//
// ElasticThreadPool keeps `min_threads` workers and starts another whenever a
// task arrives and no worker is idle, up to `max_threads`; workers above the
// minimum exit after `idle_exit` without work. Size max_threads as
// SSE_MAX_CLIENTS + the API's own concurrency (api_threads), so streams can
// never take the threads the API needs: the SSE broker refuses clients past
// its cap (503) before the pool runs out.
//
// Stack size: the default (stack_bytes = 0) keeps the system's 8 MiB. That is
// address space, not memory: RSS grows only by the pages a thread touches
// (bench/sse prints RSS per open stream: ~20-30 KiB, both socket ends
// included). Small stacks are NOT safe with httplib: it routes with
// std::regex, and libstdc++'s matcher recurses per character, ~280 bytes
// each: a `(.*)` route on a 1,000-char path overflows 256 KiB, and on the
// longest path httplib accepts (8 KiB request line) needs ~2.3 MiB (measured;
// tests/httpserve checks an 8,000-char path against a `(.*)` route).
//
// Past max_threads tasks queue, as in httplib's pool: a connection then waits
// for a worker (and its client sees a slow accept, not an error).
#pragma once

#include <httplib.h>
#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace td::httpserve {

class ElasticThreadPool final : public httplib::TaskQueue {
 public:
  struct Stats {
    size_t threads = 0, idle = 0, queued = 0, peak_threads = 0;
  };

  ElasticThreadPool(size_t min_threads, size_t max_threads, size_t stack_bytes = 0,
                    std::chrono::milliseconds idle_exit = std::chrono::seconds(30));
  ~ElasticThreadPool() override;

  void enqueue(std::function<void()> fn) override;
  // Runs every queued task, then joins all workers (httplib calls it once the
  // listen loop has stopped accepting).
  void shutdown() override;

  Stats stats() const;

 private:
  static void* run(void* self);
  void worker_loop();
  bool spawn_locked();
  void join_finished();

  const size_t min_, max_, stack_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<pthread_t> live_;      // started, not yet retired
  std::vector<pthread_t> finished_;  // retired, waiting to be joined
  size_t threads_ = 0, idle_ = 0, peak_ = 0;
  bool shutdown_ = false;
};

struct ServerLimits {
  size_t api_threads = 16;    // concurrent non-streaming connections
  size_t stream_threads = 0;  // SSE_MAX_CLIENTS (+ a few for 503 answers)
  size_t stack_bytes = 0;     // 0: system default (see above)
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  std::chrono::seconds keep_alive_timeout{5};
  size_t keep_alive_max_requests = 1000;
  int listen_backlog = 1024;  // httplib listens with 5 (CPPHTTPLIB_LISTEN_BACKLOG)
  bool tcp_nodelay = true;    // SSE frames are small; Nagle would hold them
  // TCP_USER_TIMEOUT, set on the listening socket and so inherited by every
  // accepted one: a peer that stops acknowledging (a laptop closed mid-stream,
  // a phone gone off the network) is cut off this long after the first
  // unacknowledged write, such as an SSE heartbeat, instead of after TCP's
  // ~15 minutes of retransmissions. 0 keeps the system default.
  std::chrono::milliseconds tcp_user_timeout{30000};
};

// Sets the task queue (ElasticThreadPool min=api_threads, max=api_threads +
// stream_threads), timeouts, keep-alive, TCP_NODELAY and TCP_USER_TIMEOUT.
// Call before binding.
void configure_server(httplib::Server& svr, const ServerLimits& limits);

// Re-issues listen(2) on the bound socket with a larger backlog: httplib's 5
// drops SYNs when hundreds of clients connect at once (each retried after 1 s).
// Call after bind_to_port / bind_to_any_port. Returns false when not bound.
bool set_listen_backlog(httplib::Server& svr, int backlog);

// The bound listening socket, -1 when not bound (for socket options).
int listen_socket(httplib::Server& svr);

}  // namespace td::httpserve
