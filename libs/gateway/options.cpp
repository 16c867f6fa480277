#include "gateway/options.h"

#include <unistd.h>

#include "common/env.h"
#include "variants/variants.h"

namespace td::gateway {

namespace {
size_t positive(const char* name, long fallback) {
  long v = env::get_long(name, fallback);
  if (v < 1) throw std::invalid_argument(std::string(name) + " must be at least 1");
  return static_cast<size_t>(v);
}
}  // namespace

Options Options::from_env() {
  Options o;
  o.listen = env::get_or("GATEWAY_LISTEN", o.listen);
  split_listen(o.listen);
  o.database_url = env::database_url();
  o.api_token = env::get_or("API_AUTH_TOKEN", "");
  o.reprocess_token = env::get_or("REPROCESS_AUTH_TOKEN", "");
  std::string auth = env::get_or("API_AUTH", "token");
  if (auth != "token" && auth != "none")
    throw std::invalid_argument("API_AUTH must be 'token' or 'none', got '" + auth + "'");
  o.open_writes_allowed = auth == "none";
  o.auth_reads = env::get_bool("API_AUTH_READS", false);
  o.threads = positive("GATEWAY_THREADS", static_cast<long>(o.threads));
  o.db_pool = positive("GATEWAY_DB_POOL", static_cast<long>(o.db_pool));
  o.max_body_bytes = positive("MAX_BODY_BYTES", static_cast<long>(o.max_body_bytes));
  o.audio_dir = env::get_or("AUDIO_DIR", "");
  try {
    for (const auto& v : parse_variant_list(env::get_or("DEFAULT_VARIANTS", kDefaultVariants)))
      o.default_variants.push_back(v.name());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("DEFAULT_VARIANTS: ") + e.what());
  }
  if (o.default_variants.empty()) throw std::invalid_argument("DEFAULT_VARIANTS must name at least one variant");
  o.read_timeout = env::get_duration("GATEWAY_READ_TIMEOUT", o.read_timeout);
  o.write_timeout = env::get_duration("GATEWAY_WRITE_TIMEOUT", o.write_timeout);
  o.keep_alive_timeout = env::get_duration("GATEWAY_KEEPALIVE_TIMEOUT", o.keep_alive_timeout);
  o.report_cache_ttl = env::get_duration("REPORT_CACHE_TTL", o.report_cache_ttl);
  o.report_cache_max = static_cast<size_t>(env::get_long("REPORT_CACHE_MAX", static_cast<long>(o.report_cache_max)));
  o.metrics_cache_ttl = env::get_duration("METRICS_CACHE_TTL", o.metrics_cache_ttl);
  o.sse_metrics_interval = env::get_duration("SSE_METRICS_INTERVAL", o.sse_metrics_interval);
  if (o.sse_metrics_interval.count() <= 0) throw std::invalid_argument("SSE_METRICS_INTERVAL must be > 0");
  o.sse = sse::BrokerConfig::from_env();
  return o;
}

std::pair<std::string, int> split_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= listen.size())
    throw std::invalid_argument("GATEWAY_LISTEN must be host:port, got '" + listen + "'");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  for (char c : listen.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535)
      throw std::invalid_argument("GATEWAY_LISTEN has a bad port: '" + listen + "'");
    port = port * 10 + (c - '0');
  }
  if (port > 65535) throw std::invalid_argument("GATEWAY_LISTEN has a bad port: '" + listen + "'");
  return {host, port};
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1") return true;
  // 127.x.y.z, written as four decimal parts (three after "127.").
  if (host.rfind("127.", 0) != 0) return false;
  int parts = 1, digits = 0;
  for (char c : host.substr(4)) {
    if (c == '.') {
      if (digits == 0) return false;
      ++parts, digits = 0;
    } else if (c >= '0' && c <= '9' && digits < 3) {
      ++digits;
    } else {
      return false;
    }
  }
  return parts == 3 && digits > 0;
}

void check_exposure(const Options& o, const std::string& host) {
  if (o.auth_reads && o.api_token.empty()) throw std::invalid_argument("API_AUTH_READS=on needs API_AUTH_TOKEN");
  if (!o.api_token.empty() || o.open_writes_allowed || is_loopback_host(host)) return;
  throw std::invalid_argument(
      "refusing to listen on " + o.listen +
      " without API_AUTH_TOKEN: anyone who can reach it could submit and delete. Set API_AUTH_TOKEN "
      "(e.g. `openssl rand -hex 24`), or API_AUTH=none to allow open writes on this network");
}

}  // namespace td::gateway
