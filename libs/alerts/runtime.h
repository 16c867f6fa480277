// Alerting inside a service process: every service (ingest, summarize, tts,
// gateway) runs one, so alerts are evaluated and sent whichever processes
// are alive — the gateway too, since the stall of every worker is exactly
// what an operator must hear about.
//
//   - The evaluator thread tries the lease every ALERT_EVAL_INTERVAL / 4;
//     holding it, it runs a round (evaluator.h) every ALERT_EVAL_INTERVAL.
//     The lease lasts 1.5 intervals, so when the leader dies another process
//     takes over within 1.75 intervals. A clean stop gives the lease up.
//   - With receivers configured, a one-slot worker sends "alert-notify" jobs
//     (sender.h). It does no maintenance (rescue, pruning): the stage
//     workers do, with the retention settings they were given.
//
// Database trouble never stops the service: the evaluator reconnects with
// backoff and logs once when it loses the database and once when it is back.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "alerts/settings.h"

namespace td::alerts {

struct RuntimeOptions {
  std::string database_url;
  std::string process;  // "ingest", "gateway": names the lease holder and the sender's worker id
  Settings settings;
  // The sender's poll when no NOTIFY arrives; a retry waits for it too
  // (WORKER_POLL_INTERVAL in the worker services).
  std::chrono::milliseconds poll_interval{std::chrono::seconds(5)};
};

class Runtime {
 public:
  explicit Runtime(RuntimeOptions options);
  ~Runtime();  // stop()
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  void start();
  // Stops evaluating (giving the lease up) and sending (a notification in
  // flight gets the sender's shutdown grace, then goes back to the queue).
  void stop();
  // The lease holder id of this process.
  const std::string& holder() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace td::alerts
