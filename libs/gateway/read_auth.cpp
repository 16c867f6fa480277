#include "gateway/read_auth.h"

#include "httpserve/auth.h"

namespace td::gateway {

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

bool is_guarded_read(const std::string& method, const std::string& path) {
  if (method != "GET" && method != "HEAD") return false;
  return path == "/api/reports" || starts_with(path, "/api/reports/") || starts_with(path, "/api/audio/") ||
         path == "/api/report-events" || path == "/api/metrics" || starts_with(path, "/api/metrics/") ||
         path == "/metrics" || path == "/api/alerts" || starts_with(path, "/api/alerts/");
}

void require_read_token(const ApiContext& ctx, const httplib::Request& req) {
  if (!ctx.options.auth_reads) return;
  size_t given = req.get_param_value_count("access_token");
  if (given == 0) return require_api_token(ctx, req);
  if (given > 1 || req.has_header("Authorization"))
    throw HttpError(400, "give the token once: an Authorization header or one access_token parameter");
  const std::string& token = req.get_param_value("access_token");
  if (!token.empty() && !httpserve::is_token_shaped(token))
    throw HttpError(400, "access_token contains spaces or control characters");
  if (!httpserve::constant_time_equal(token, ctx.options.api_token))
    throw HttpError(401, "missing or invalid API token (Authorization: Bearer, or access_token)");
}

void install_read_auth(httplib::Server& svr, const ApiContext& ctx) {
  if (!ctx.options.auth_reads) return;
  svr.set_pre_routing_handler([&ctx](const httplib::Request& req, httplib::Response& res) {
    if (!is_guarded_read(req.method, req.path)) return httplib::Server::HandlerResponse::Unhandled;
    try {
      require_read_token(ctx, req);
      return httplib::Server::HandlerResponse::Unhandled;
    } catch (const HttpError& e) {
      if (e.status() == 401) res.set_header("WWW-Authenticate", "Bearer");
      send_json(res, e.status(), {{"error", e.what()}});
      return httplib::Server::HandlerResponse::Handled;
    }
  });
}

}  // namespace td::gateway
