// ClientFleet: N SSE clients on raw non-blocking loopback sockets, read by
// one epoll thread (a real HTTP client per stream would not fit on 2 cores).
//
// Each client sends one GET (path given, e.g. /api/report-events?batch=0) and
// parses the chunked event stream with td::sse::SseResponseParser. For every
// outbox event a message carries it records (event id, receive time): the
// frame's `"id":N`, or every id of a merged frame's `"ids":[...]`, so batched
// windows count each event they fold in. The receive time is taken right
// after recv() returns, before parsing, so parsing cost is not charged to
// the server. Timestamps are steady_clock nanoseconds.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "sse/client_parser.h"

namespace td::bench {

int64_t now_ns();
// A number from /proc/self/status, e.g. status_field("VmRSS:") in KiB; -1 when absent.
long status_field(const char* key);

struct Delivery {
  int64_t id = 0;
  int64_t t_ns = 0;
};

class ClientFleet {
 public:
  ClientFleet(int port, std::string target);
  ~ClientFleet();
  ClientFleet(const ClientFleet&) = delete;
  ClientFleet& operator=(const ClientFleet&) = delete;

  // Opens n connections (blocking connect, then non-blocking) and sends the
  // request on each; returns how many connected. Starts the reader thread.
  size_t connect(size_t n);
  // Clients whose response head arrived with status 200.
  size_t heads_ok() const { return heads_ok_.load(); }
  // Event ids received so far over all clients (a merged frame counts each).
  uint64_t received() const { return received_.load(); }
  // Connections the server closed (or that failed) while reading.
  size_t closed() const { return closed_.load(); }
  size_t protocol_errors() const { return protocol_errors_.load(); }

  // Stops the reader thread (sockets stay open until the destructor, so the
  // server sees its clients until it is stopped).
  void stop_reading();
  // Per client, in arrival order. Valid after stop_reading().
  const std::vector<std::vector<Delivery>>& deliveries() const { return got_; }

 private:
  struct Conn {
    int fd = -1;
    td::sse::SseResponseParser parser;
    bool open = false, head_seen = false;
  };
  void read_loop();

  int port_;
  std::string request_;
  int ep_ = -1;
  std::vector<Conn> conns_;
  std::vector<std::vector<Delivery>> got_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> heads_ok_{0}, closed_{0}, protocol_errors_{0};
  std::atomic<uint64_t> received_{0};
  std::thread reader_;
};

// Latency of every (client, event) the fleet received, from a start time per
// event id (publish or COMMIT, steady ns). An id twice on one client is a
// duplicate; an id with no start time is unknown.
struct Latencies {
  std::vector<double> ms;  // one per first delivery
  size_t delivered = 0, duplicates = 0, unknown = 0;
};
Latencies collect_latencies(const ClientFleet& fleet, const std::unordered_map<int64_t, int64_t>& start_ns);
// Percentile p (0-100) of v (sorted in place); -1 when empty.
double percentile(std::vector<double>& v, double p);

// Appends the outbox event ids a frame's data carries ("ids":[..] for a merged
// frame, else "id":N) to `out`. Returns false when it finds none.
bool frame_event_ids(const std::string& data, std::vector<int64_t>& out);

}  // namespace td::bench
