// POST /api/submit and POST /api/reprocess.
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "gateway/api.h"
#include "gateway/db_pool.h"
#include "gateway/report_cache.h"
#include "httpserve/auth.h"
#include "httpserve/routes.h"
#include "store/pipeline.h"
#include "store/reprocess_schedule.h"
#include "store/videos.h"
#include "variants/variants.h"
#include "youtube/link.h"

namespace td::gateway {

namespace {

constexpr size_t kMaxUrl = 2048;

std::string string_field(const nlohmann::json& j, const char* name) {
  const auto& v = j.at(name);
  if (!v.is_string()) throw HttpError(400, std::string("'") + name + "' must be a string");
  // The JSON parser already refused invalid UTF-8; "\u0000" still decodes to a NUL.
  auto s = v.get<std::string>();
  require_text(std::string("'") + name + "'", s);
  return s;
}

// Canonical variant names from a JSON list (or a comma-separated string).
// UnknownVariant's message lists the valid names.
std::vector<std::string> variant_names(const nlohmann::json& v, const char* field) {
  std::vector<Variant> parsed;
  try {
    if (v.is_string()) {
      parsed = parse_variant_list(v.get<std::string>());
    } else if (v.is_array()) {
      std::vector<std::string> names;
      for (const auto& item : v) {
        if (!item.is_string()) throw HttpError(400, std::string("'") + field + "' must be a list of strings");
        names.push_back(item.get<std::string>());
      }
      parsed = parse_variant_list(names);
    } else {
      throw HttpError(400, std::string("'") + field + "' must be a list of variant names");
    }
  } catch (const UnknownVariant& e) {
    throw HttpError(400, e.what());
  }
  if (parsed.empty())
    throw HttpError(400, std::string("'") + field + "' must name at least one variant; " + valid_variants_help());
  std::vector<std::string> out;
  for (const auto& p : parsed) out.push_back(p.name());
  return out;
}

std::string video_key_from_link(const std::string& link) {
  if (link.empty()) throw HttpError(400, "'url' must not be empty");
  if (link.size() > kMaxUrl) throw HttpError(400, "'url' is longer than 2048 characters");
  try {
    return youtube::canonical_key(link);
  } catch (const td::PermanentError& e) {
    throw HttpError(400, e.what());
  }
}

void submit(ApiContext& ctx, const httplib::Request& req, httplib::Response& res, const std::string& body) {
  require_api_token(ctx, req);
  auto j = parse_json_object(body);
  reject_unknown_fields(j, {"url", "variants", "transcript", "refresh"});
  if (!j.contains("url") || j["url"].is_null()) throw HttpError(400, "'url' is required");
  const std::string key = video_key_from_link(string_field(j, "url"));

  std::vector<std::string> variants = ctx.options.default_variants;
  if (j.contains("variants") && !j["variants"].is_null()) variants = variant_names(j["variants"], "variants");

  std::optional<std::string> transcript;
  if (j.contains("transcript") && !j["transcript"].is_null()) {
    transcript = string_field(j, "transcript");
    if (transcript->find_first_not_of(" \t\r\n") == std::string::npos)
      throw HttpError(400, "'transcript' must not be empty (omit it to fetch the video's own)");
  }

  // refresh: fetch metadata and captions again instead of reusing the
  // stored transcript (and the metadata cache).
  bool refresh = false;
  if (j.contains("refresh") && !j["refresh"].is_null()) {
    if (!j["refresh"].is_boolean()) throw HttpError(400, "'refresh' must be true or false");
    refresh = j["refresh"].get<bool>();
  }

  store::IngestRequest r{key, youtube::watch_url(youtube::id_of_key(key)), variants, transcript, refresh};
  queue::Enqueued e;
  ctx.pool.run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    e = store::enqueue_ingest(tx, queue::Queue(), r);
    tx.commit();
  });
  ctx.cache.invalidate(key);
  spdlog::info("gateway: submit video={} job={} created={} refresh={}", key, e.id, e.created, refresh);
  send_json(
      res, 202,
      {{"video_id", key}, {"job_id", e.id}, {"created", e.created}, {"variants", variants}, {"refresh", refresh}});
}

void reprocess(ApiContext& ctx, const httplib::Request& req, httplib::Response& res, const std::string& body) {
  if (ctx.options.reprocess_token.empty()) throw HttpError(503, "reprocess disabled: set REPROCESS_AUTH_TOKEN");
  // Always compare, also when the header is missing, so the answer takes
  // the same time either way. Two copies or control bytes: 400.
  const std::string given = httpserve::single_header(req, "X-Reprocess-Token").value_or("");
  if (!httpserve::constant_time_equal(given, ctx.options.reprocess_token) || given.empty())
    throw HttpError(403, "missing or invalid X-Reprocess-Token");

  auto j = parse_json_object(body);
  reject_unknown_fields(j, {"video_id", "url", "summary_types", "regenerate_audio"});
  std::optional<std::string> key;
  for (const char* f : {"video_id", "url"}) {
    if (!j.contains(f) || j[f].is_null()) continue;
    auto k = video_key_from_link(string_field(j, f));
    if (key && *key != k) throw HttpError(400, "'video_id' and 'url' name different videos");
    key = k;
  }
  if (!key) throw HttpError(400, "'video_id' or 'url' is required");
  std::optional<std::vector<std::string>> asked;
  if (j.contains("summary_types") && !j["summary_types"].is_null())
    asked = variant_names(j["summary_types"], "summary_types");
  bool regenerate_audio = false;
  if (j.contains("regenerate_audio") && !j["regenerate_audio"].is_null()) {
    if (!j["regenerate_audio"].is_boolean()) throw HttpError(400, "'regenerate_audio' must be true or false");
    regenerate_audio = j["regenerate_audio"].get<bool>();
  }

  store::ScheduledReprocess scheduled;
  ctx.pool.run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    try {
      scheduled = store::schedule_reprocess(tx, queue::Queue(), *key, asked, regenerate_audio);
    } catch (const store::UnknownVideo& e) {
      throw HttpError(404, e.what());
    } catch (const store::NothingToReprocess& e) {
      throw HttpError(400, std::string(e.what()) + "; pass summary_types");
    }
    tx.commit();
  });
  ctx.cache.invalidate(*key);
  spdlog::info("gateway: reprocess video={} id={} created={}", *key, scheduled.request.id, scheduled.created);
  send_json(res, 202, scheduled.to_json());
}

}  // namespace

void install_write_routes(httpserve::Router& r, ApiContext& ctx) {
  r.post("/api/submit", guarded_body([&ctx](const httplib::Request& req, httplib::Response& res,
                                            const std::string& body) { submit(ctx, req, res, body); }));
  r.post("/api/reprocess", guarded_body([&ctx](const httplib::Request& req, httplib::Response& res,
                                               const std::string& body) { reprocess(ctx, req, res, body); }));
}

}  // namespace td::gateway
