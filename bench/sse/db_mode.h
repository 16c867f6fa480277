// The --database-url mode of sse_bench: the whole path of the 10,000-client target,
// outbox -> gateway -> SSE clients.
//
// Per (clients, batch) case and run: migrates the database, starts a real
// td::gateway::Gateway in this process on a free loopback port (options from
// the environment as the service reads them, SSE_BATCH_MS 250 by default;
// SSE_MAX_CLIENTS raised to the client count when lower), connects N raw
// socket clients to /api/report-events?batch=B, then commits K events with
// td::events::emit, each in its own transaction on a separate connection, at
// `rate` per second. The emitter records each id's commit time (steady clock
// right after COMMIT returns, same process); a client's latency for an event
// is receive time - commit time. Meanwhile a prober sends GET /healthz and
// GET /api/metrics (one keep-alive connection each, every 50 ms).
//
// The clients, the emitter and the gateway share this process and the 2
// cores: the numbers are an upper bound for the gateway alone.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace td::bench {

struct DbBenchOptions {
  std::string database_url;
  std::vector<size_t> clients{100, 1000, 2000};
  std::vector<bool> batch_modes{false, true};  // client ?batch=0 / ?batch=1
  size_t events = 200;
  double rate = 50;
  int runs = 3;
  bool json = false;
};

// Prints the table (medians over runs) and, with json, one JSON line last.
// Returns 0, or 1 when an event was lost (delivered < expected).
int run_db_bench(const DbBenchOptions& opt);

}  // namespace td::bench
