#include "httpserve/routes.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "common/errors.h"
#include "httpserve/body.h"
#include "httpserve/errors.h"

namespace td::httpserve {

Router::Router(httplib::Server& svr, size_t max_body_bytes) : svr_(svr), max_body_(max_body_bytes) {
  svr_.set_payload_max_length(max_body_bytes);

  svr_.set_error_handler(
      httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
        // Handlers that already wrote a JSON error keep it.
        if (!res.body.empty() || res.content_length_ > 0 || res.content_provider_) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        if (res.status == 404) {
          auto allowed = allowed_methods(req.path);
          if (!allowed.empty()) {
            std::string allow;
            for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
            res.set_header("Allow", allow);
            json_error(res, 405, "method " + req.method + " not allowed on " + req.path + " (allowed: " + allow + ")");
            return httplib::Server::HandlerResponse::Handled;
          }
          json_error(res, 404, "no route for " + req.method + " " + req.path);
          return httplib::Server::HandlerResponse::Handled;
        }
        // httplib's own 400 (malformed request line or headers) and 414: the
        // stream is at an unknown place, so the answer says the connection ends
        // (httpserve::Server then closes it).
        if (res.status == 400 || res.status == 414) mark_close(req);
        json_error(res, res.status, default_error_message(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));

  svr_.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    try {
      std::rethrow_exception(ep);
    } catch (const td::PermanentError& e) {
      json_error(res, 400, e.what());
    } catch (const std::invalid_argument& e) {
      json_error(res, 400, e.what());
    } catch (const std::exception& e) {
      spdlog::error("http handler failed method={} path={} error={}", req.method, req.path, e.what());
      json_error(res, 500, "internal error");
    } catch (...) {
      spdlog::error("http handler failed method={} path={} error=unknown", req.method, req.path);
      json_error(res, 500, "internal error");
    }
  });
}

const std::string Router::kOtherRoute = "other";

void Router::remember(const std::string& pattern, const std::string& method, const std::string& name) {
  const auto meta = pattern.find_first_of("\\^$.|?*+()[]{}");
  routes_.push_back(Route{std::regex(pattern), method, name.empty() ? pattern : name, pattern.substr(0, meta),
                          meta == std::string::npos});
}

bool Router::Route::matches(const std::string& path) const {
  if (exact) return path == literal;
  return path.compare(0, literal.size(), literal) == 0 && std::regex_match(path, pattern);
}

httplib::Server::HandlerWithContentReader Router::with_body(BodyHandler h) const {
  size_t limit = max_body_;
  return [h = std::move(h), limit](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& reader) {
    auto body = read_body_limited(req, res, reader, limit);
    if (body.status == BodyStatus::TooLarge) return reject_too_large(req, res, limit);
    if (body.status == BodyStatus::ReadFailed) return json_error(res, 400, "could not read request body");
    h(req, res, body.body);
  };
}

Router& Router::get(const std::string& pattern, Handler h, const std::string& name) {
  svr_.Get(pattern, std::move(h));
  remember(pattern, "GET", name);
  remember(pattern, "HEAD", name);
  return *this;
}

Router& Router::del(const std::string& pattern, Handler h, const std::string& name) {
  svr_.Delete(pattern, std::move(h));
  remember(pattern, "DELETE", name);
  return *this;
}

Router& Router::post(const std::string& pattern, BodyHandler h, const std::string& name) {
  svr_.Post(pattern, with_body(std::move(h)));
  remember(pattern, "POST", name);
  return *this;
}

Router& Router::put(const std::string& pattern, BodyHandler h, const std::string& name) {
  svr_.Put(pattern, with_body(std::move(h)));
  remember(pattern, "PUT", name);
  return *this;
}

std::vector<std::string> Router::allowed_methods(const std::string& path) const {
  std::vector<std::string> out;
  for (const auto& r : routes_) {
    if (r.matches(path) && std::find(out.begin(), out.end(), r.method) == out.end()) {
      out.push_back(r.method);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

const std::string& Router::route_of(const std::string& path) const {
  for (const auto& r : routes_)
    if (r.matches(path)) return r.name;
  return kOtherRoute;
}

}  // namespace td::httpserve
