// The gateway's HTTP API (README's endpoint table), registered on a td::httpserve::Router.
//
// Errors are {"error": "..."} with:
//   400 bad JSON / wrong types / unknown fields / bad link / unknown variant /
//       bad id or cursor; 401 missing or wrong Bearer token (API_AUTH_TOKEN);
//   403 wrong X-Reprocess-Token; 404 unknown video, audio or route;
//   405 wrong method (Allow header); 413 body over MAX_BODY_BYTES;
//   503 Postgres unreachable (Retry-After: 1) or reprocess disabled.
// Unknown JSON fields are refused (400) rather than ignored: a misspelt
// "variant" or "summary_type" would otherwise silently do the default.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "gateway/options.h"
#include "httpserve/errors.h"

namespace td::httpserve {
class Router;
}
namespace td::store {
class AudioStore;
}

namespace td::gateway {

class ConnectionPool;
class ReportCache;
class MetricsView;
struct CachedReport;

// Thrown by handlers for a clean error answer (defined in httpserve/errors.h,
// where the header checks that throw it live too).
using httpserve::HttpError;

struct ApiContext {
  const Options& options;
  ConnectionPool& pool;
  ReportCache& cache;
  MetricsView& metrics;
  store::AudioStore& audio;  // AUDIO_DIR's files, or PostgreSQL (options.audio_dir empty)
};

// Wraps a handler: HttpError -> its status, DatabaseUnavailable or a lost
// connection -> 503, PermanentError / invalid_argument -> 400; anything else
// goes on to the Router's exception handler (500, logged).
httplib::Server::Handler guarded(httplib::Server::Handler h);
std::function<void(const httplib::Request&, httplib::Response&, const std::string&)> guarded_body(
    std::function<void(const httplib::Request&, httplib::Response&, const std::string&)> h);

// JSON helpers shared by the handlers.
nlohmann::json parse_json_object(const std::string& body);
void reject_unknown_fields(const nlohmann::json& obj, std::initializer_list<const char*> known);
// HttpError 400 unless `value` (of the input named `what`, e.g. "'q'") is
// valid UTF-8 without NUL bytes: PostgreSQL refuses invalid UTF-8 (a 500
// otherwise) and libpq would cut a text parameter at its first NUL.
void require_text(const std::string& what, const std::string& value);
// "yt:<11 chars>" from a path segment, or HttpError 400.
std::string video_key_from_path(const std::string& segment);
void send_json(httplib::Response& res, int status, const nlohmann::json& body);
// 401 unless API_AUTH_TOKEN is unset or the request carries it as Bearer.
void require_api_token(const ApiContext& ctx, const httplib::Request& req);

// The report of a video, through the cache; nullptr when there is no such video.
std::shared_ptr<const CachedReport> load_report(ApiContext& ctx, const std::string& video_id);
// The list item for a report: the report without texts and job details.
nlohmann::json compact_report(const nlohmann::json& report);

void install_write_routes(httpserve::Router& r, ApiContext& ctx);   // submit, reprocess
void install_report_routes(httpserve::Router& r, ApiContext& ctx);  // reports, delete, audio
void install_health_routes(httpserve::Router& r, ApiContext& ctx);  // healthz, readyz, metrics
void install_alert_routes(httpserve::Router& r, ApiContext& ctx);   // GET /api/alerts
void install_dashboard(httpserve::Router& r);                       // GET /

}  // namespace td::gateway
