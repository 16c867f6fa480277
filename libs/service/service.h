// What every worker service's main() shares: the common flags and their
// environment variables, migrations at start, signals, the worker loop, and
// alerting beside it (ALERT_* settings, alerts/runtime.h).
//
//   --database-url   DATABASE_URL          (libpq defaults when unset)
//   --concurrency    <PREFIX>_CONCURRENCY  handler threads (default per service)
//   --poll-interval  WORKER_POLL_INTERVAL  fallback poll when no NOTIFY comes (5s)
//   --lease          WORKER_LEASE          job lease, renewed by heartbeats (60s)
//   --shutdown-timeout WORKER_SHUTDOWN_TIMEOUT  grace for jobs in flight (20s)
//   --job-retention  JOB_RETENTION         finished jobs kept (24h)
//   --event-retention EVENT_RETENTION      outbox events kept (7d)
//   --no-migrate                           skip migrations at start
//
// A service adds its own options with `extra_options` and builds its handler
// once options are parsed.
#pragma once

#include <functional>
#include <string>

#include <cxxopts.hpp>

#include "worker/worker.h"

namespace td::service {

struct Spec {
  std::string name;        // "ingest": process name in logs and worker ids
  std::string kind;        // the job kind it claims
  std::string env_prefix;  // "INGEST": <PREFIX>_CONCURRENCY
  int default_concurrency = 2;
  std::function<void(cxxopts::Options&)> extra_options;
  // Called after parsing and migration, before the worker starts: returns the
  // handler and may set options.on_failure (options.prepare is catalog::prepare).
  std::function<worker::Handler(const cxxopts::ParseResult&, worker::Options&)> make_handler;

  // The spec of the stage that claims jobs of kind `kind`: the process is
  // named after it and reads <KIND>_CONCURRENCY.
  static Spec for_stage(const std::string& kind, int default_concurrency);
};

// Parses argv, migrates (unless --no-migrate), runs the worker until SIGTERM
// or SIGINT. Returns the process exit code; prints one line for bad flags or
// settings.
int run(const Spec& spec, int argc, char** argv);

}  // namespace td::service
