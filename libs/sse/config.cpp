#include <cmath>

#include "common/env.h"
#include "sse/broker.h"

namespace td::sse {

BrokerConfig BrokerConfig::from_env() {
  BrokerConfig c;
  long batch = td::env::get_long("SSE_BATCH_MS", static_cast<long>(c.batch_window.count()));
  if (batch < 0) throw std::invalid_argument("SSE_BATCH_MS must be >= 0");
  c.batch_window = std::chrono::milliseconds(batch);
  double hb = td::env::get_double("SSE_HEARTBEAT_S", c.heartbeat.count() / 1000.0);
  if (!(hb > 0)) throw std::invalid_argument("SSE_HEARTBEAT_S must be > 0");
  c.heartbeat = std::chrono::milliseconds(static_cast<long>(std::llround(hb * 1000)));
  long maxc = td::env::get_long("SSE_MAX_CLIENTS", static_cast<long>(c.max_clients));
  if (maxc < 0) throw std::invalid_argument("SSE_MAX_CLIENTS must be >= 0");
  c.max_clients = static_cast<size_t>(maxc);
  long buf = td::env::get_long("SSE_CLIENT_BUFFER_BYTES", static_cast<long>(c.client_buffer_bytes));
  if (buf < 1024) throw std::invalid_argument("SSE_CLIENT_BUFFER_BYTES must be >= 1024");
  c.client_buffer_bytes = static_cast<size_t>(buf);
  long retry = td::env::get_long("SSE_RETRY_MS", static_cast<long>(c.retry.count()));
  if (retry < 0) throw std::invalid_argument("SSE_RETRY_MS must be >= 0");
  c.retry = std::chrono::milliseconds(retry);
  return c;
}

}  // namespace td::sse
