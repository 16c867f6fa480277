#include <stdexcept>

#include "common/env.h"
#include "sse/broker.h"

namespace td::sse {

BrokerConfig BrokerConfig::from_env() {
  BrokerConfig c;
  // Durations go through the one parser (env::parse_duration); a bare number
  // is in the unit the variable's name says.
  using std::chrono::milliseconds;
  c.batch_window = td::env::get_duration("SSE_BATCH_MS", c.batch_window, milliseconds(1));
  c.heartbeat = td::env::get_duration("SSE_HEARTBEAT_S", c.heartbeat, std::chrono::seconds(1));
  if (c.heartbeat.count() <= 0) throw std::invalid_argument("SSE_HEARTBEAT_S must be > 0");
  long maxc = td::env::get_long("SSE_MAX_CLIENTS", static_cast<long>(c.max_clients));
  if (maxc < 0) throw std::invalid_argument("SSE_MAX_CLIENTS must be >= 0");
  c.max_clients = static_cast<size_t>(maxc);
  long buf = td::env::get_long("SSE_CLIENT_BUFFER_BYTES", static_cast<long>(c.client_buffer_bytes));
  if (buf < 1024) throw std::invalid_argument("SSE_CLIENT_BUFFER_BYTES must be >= 1024");
  c.client_buffer_bytes = static_cast<size_t>(buf);
  c.retry = td::env::get_duration("SSE_RETRY_MS", c.retry, milliseconds(1));
  return c;
}

}  // namespace td::sse
