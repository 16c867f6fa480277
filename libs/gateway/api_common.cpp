#include "gateway/api.h"

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/quote.h"
#include "db/connection.h"
#include "gateway/db_pool.h"
#include "gateway/report_cache.h"
#include "httpserve/auth.h"
#include "httpserve/bytes.h"
#include "httpserve/errors.h"
#include "store/report.h"
#include "youtube/link.h"
#include "youtube/utf8.h"

namespace td::gateway {

namespace {

// Maps what a handler threw to an answer; returns false to let it through.
bool answer_exception(const httplib::Request& req, httplib::Response& res) {
  try {
    throw;
  } catch (const HttpError& e) {
    httpserve::json_error(res, e.status(), e.what());
  } catch (const DatabaseUnavailable& e) {
    res.set_header("Retry-After", "1");
    httpserve::json_error(res, 503, e.what());
  } catch (const td::PermanentError& e) {
    httpserve::json_error(res, 400, e.what());
  } catch (const std::invalid_argument& e) {
    httpserve::json_error(res, 400, e.what());
  } catch (const std::exception& e) {
    if (!db::is_connection_error(e)) return false;
    spdlog::warn("gateway: database error on {} {}: {}", req.method, req.path, e.what());
    res.set_header("Retry-After", "1");
    httpserve::json_error(res, 503, "database unavailable");
  }
  return true;
}

}  // namespace

httplib::Server::Handler guarded(httplib::Server::Handler h) {
  return [h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
    try {
      h(req, res);
    } catch (...) {
      if (!answer_exception(req, res)) throw;
    }
  };
}

std::function<void(const httplib::Request&, httplib::Response&, const std::string&)> guarded_body(
    std::function<void(const httplib::Request&, httplib::Response&, const std::string&)> h) {
  return [h = std::move(h)](const httplib::Request& req, httplib::Response& res, const std::string& body) {
    try {
      h(req, res, body);
    } catch (...) {
      if (!answer_exception(req, res)) throw;
    }
  };
}

nlohmann::json parse_json_object(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw HttpError(400, "request body is not valid JSON");
  if (!j.is_object()) throw HttpError(400, "request body must be a JSON object");
  return j;
}

void reject_unknown_fields(const nlohmann::json& obj, std::initializer_list<const char*> known) {
  for (const auto& [key, _] : obj.items()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw HttpError(400, "unknown field " + quote_input(key) + " (known: " + list + ")");
    }
  }
}

void require_text(const std::string& what, const std::string& value) {
  if (value.find('\0') != std::string::npos) throw HttpError(400, what + " must not contain NUL bytes");
  if (auto at = youtube::utf8::first_invalid(value); at != std::string::npos)
    throw HttpError(400, what + " is not valid UTF-8 (bad byte at offset " + std::to_string(at) + ")");
}

std::string video_key_from_path(const std::string& segment) {
  if (youtube::is_video_key(segment)) return segment;
  throw HttpError(400, "invalid video id " + quote_input(segment) + ": expected yt:<11-character id>");
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void require_api_token(const ApiContext& ctx, const httplib::Request& req) {
  if (ctx.options.api_token.empty()) return;
  // 400 for two Authorization headers or one with control bytes.
  auto header = httpserve::single_header(req, "Authorization");
  auto token = header ? httpserve::bearer_token(*header) : std::nullopt;
  if (!token || !httpserve::constant_time_equal(*token, ctx.options.api_token)) {
    throw HttpError(401, "missing or invalid Authorization: Bearer token");
  }
}

std::shared_ptr<const CachedReport> load_report(ApiContext& ctx, const std::string& video_id) {
  if (auto hit = ctx.cache.get(video_id)) return hit;
  auto ticket = ctx.cache.ticket(video_id);
  std::optional<nlohmann::json> report;
  ctx.pool.run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    report = store::build_report(tx, video_id);
  });
  if (!report) return nullptr;
  auto r = std::make_shared<CachedReport>();
  r->body = std::make_shared<const std::string>(report->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  r->etag = httpserve::etag_for(*r->body);
  r->json = std::move(*report);
  ctx.cache.put(video_id, ticket, r);
  return r;
}

nlohmann::json compact_report(const nlohmann::json& report) {
  nlohmann::json out = {{"video_id", report.value("video_id", "")},
                        {"url", report.value("url", "")},
                        {"created_at", report.value("created_at", "")},
                        {"updated_at", report.value("updated_at", "")},
                        {"requested_variants", report.value("requested_variants", nlohmann::json::array())}};
  nlohmann::json video = nlohmann::json::object();
  if (report.contains("video") && report["video"].is_object()) {
    for (const char* k : {"title", "channel", "channel_id", "duration", "upload_date", "thumbnail"})
      if (report["video"].contains(k)) video[k] = report["video"][k];
  }
  out["video"] = video;
  nlohmann::json variants = nlohmann::json::array();
  if (report.contains("summary") && report["summary"].contains("variants")) {
    for (const auto& v : report["summary"]["variants"]) {
      nlohmann::json c = v;
      c.erase("text");
      variants.push_back(std::move(c));
    }
  }
  out["summary"] = {{"variants", variants}};
  nlohmann::json counts = nlohmann::json::object();
  if (report.contains("jobs"))
    for (const auto& j : report["jobs"]) {
      auto st = j.value("status", "unknown");
      counts[st] = counts.value(st, 0) + 1;
    }
  out["job_counts"] = counts;
  return out;
}

}  // namespace td::gateway
