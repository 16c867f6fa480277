// Shared by the broker and HTTP tests: events and a broker that does not batch.
#pragma once

#include <chrono>
#include <string>

#include "sse/broker.h"

namespace td::test {

inline sse::Event ev(int64_t id, std::string type = "report-updated", std::string video = "yt:A",
                     nlohmann::json data = nlohmann::json::object()) {
  return sse::Event{id, std::move(type), std::move(video), std::move(data), std::chrono::system_clock::now()};
}

// Every event delivered as published; heartbeats far enough apart not to
// interfere. A test that turns batching on gets windows of exactly
// batch_window (no reserve for the fan-out; see broker.h, 2).
inline sse::BrokerConfig unbatched_config() {
  sse::BrokerConfig c;
  c.batch_window = std::chrono::milliseconds(0);
  c.heartbeat = std::chrono::seconds(10);
  c.fanout_seed_per_client = std::chrono::nanoseconds(0);
  c.delivery_slack = std::chrono::milliseconds(0);
  return c;
}

}  // namespace td::test
