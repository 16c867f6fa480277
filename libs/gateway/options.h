// The gateway's settings. from_env() reads the environment (12-factor);
// services/gateway/main.cpp lets flags override some of them.
//
//   GATEWAY_LISTEN          127.0.0.1:6452   host:port to bind
//   DATABASE_URL            libpq defaults
//   API_AUTH_TOKEN          unset            set: POST /api/submit and DELETE /api/reports need Bearer
//   API_AUTH                token            `none`: allow open writes on a non-loopback address
//                                            (otherwise the gateway refuses to start there without a token)
//   API_AUTH_READS          off              on: reports, audio, events and metrics need the token too
//   REPROCESS_AUTH_TOKEN    unset            unset: POST /api/reprocess answers 503 (fail closed)
//   GATEWAY_THREADS         16               request threads always kept for the API; the pool grows
//                                            past it per connection, up to + SSE_MAX_CLIENTS + 16
//   GATEWAY_DB_POOL         8                Postgres connections for requests
//   MAX_BODY_BYTES          1048576          larger request bodies get 413
//   AUDIO_DIR               unset            where "dir" audio rows keep their files
//   DEFAULT_VARIANTS        comprehensive,bullet-points,key-insights,audio
//   GATEWAY_READ_TIMEOUT    5s               per socket read (slow clients cannot hold a thread longer)
//   GATEWAY_WRITE_TIMEOUT   5s               per socket write
//   GATEWAY_KEEPALIVE_TIMEOUT 5s             idle keep-alive connection closed after
//   REPORT_CACHE_TTL        2s               safety net for cached reports (0 disables the cache)
//   REPORT_CACHE_MAX        2000             cached reports kept at most
//   METRICS_CACHE_TTL       1s               /api/metrics and /metrics computed at most once per TTL
//   SSE_METRICS_INTERVAL    5s               how often SSE counters and the client gauge are written
//   SSE_*                   see libs/sse (SSE_BATCH_MS, SSE_HEARTBEAT_S, SSE_MAX_CLIENTS, ...)
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sse/broker.h"

namespace td::gateway {

struct Options {
  std::string listen = "127.0.0.1:6452";
  std::string database_url;
  std::string api_token;             // empty: write endpoints are open
  std::string reprocess_token;       // empty: reprocess disabled (503)
  bool open_writes_allowed = false;  // API_AUTH=none: no token on a non-loopback address is deliberate
  bool auth_reads = false;           // API_AUTH_READS=on
  size_t threads = 16;
  size_t db_pool = 8;
  size_t max_body_bytes = 1 << 20;
  std::string audio_dir;
  std::vector<std::string> default_variants;  // canonical names
  std::chrono::milliseconds read_timeout{5000}, write_timeout{5000}, keep_alive_timeout{5000};
  std::chrono::milliseconds report_cache_ttl{2000};
  size_t report_cache_max = 2000;
  std::chrono::milliseconds metrics_cache_ttl{1000};
  std::chrono::milliseconds sse_metrics_interval{5000};
  std::chrono::milliseconds outbox_poll{1000};  // read the outbox at least this often without a NOTIFY
  std::string instance_id;                      // owner of this replica's gauge rows (default host:pid)
  sse::BrokerConfig sse;

  // Throws std::invalid_argument naming the variable on a bad value.
  static Options from_env();
};

// "host:port" -> parts; throws std::invalid_argument.
std::pair<std::string, int> split_listen(const std::string& listen);

// True for 127.0.0.0/8, ::1 and "localhost": only this machine can connect.
bool is_loopback_host(const std::string& host);

// Fail closed: a gateway that anyone on the network can reach must not take
// writes from all of them. Throws std::invalid_argument (with the fix) when
// `host` is not loopback, API_AUTH_TOKEN is unset and API_AUTH=none was not
// chosen; also when API_AUTH_READS=on without a token.
void check_exposure(const Options& o, const std::string& host);

}  // namespace td::gateway
