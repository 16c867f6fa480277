// GET /api/reports, GET|DELETE /api/reports/yt:<id>, GET /api/audio/yt:<id>/<variant>.mp3.
#include <spdlog/spdlog.h>

#include "common/quote.h"
#include "gateway/api.h"
#include "gateway/db_pool.h"
#include "gateway/report_cache.h"
#include "httpserve/bytes.h"
#include "httpserve/routes.h"
#include "queue/queue.h"
#include "store/audio.h"
#include "store/report.h"
#include "store/video_delete.h"
#include "store/videos.h"
#include "variants/variants.h"

namespace td::gateway {

namespace {

int int_param(const httplib::Request& req, const char* name, int fallback, int lo, int hi) {
  if (!req.has_param(name)) return fallback;
  auto v = req.get_param_value(name);
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
    throw HttpError(
        400, std::string("'") + name + "' must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  int n = std::stoi(v);
  if (n < lo || n > hi)
    throw HttpError(400,
                    std::string("'") + name + "' must be from " + std::to_string(lo) + " to " + std::to_string(hi));
  return n;
}

void list_reports(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  const int limit = int_param(req, "limit", 20, 1, 100);
  std::string q = req.get_param_value("q");
  if (q.size() > 200) throw HttpError(400, "'q' is longer than 200 characters");
  require_text("'q'", q);
  std::optional<std::string> cursor;
  if (req.has_param("cursor")) {
    cursor = req.get_param_value("cursor");
    if (cursor->size() > 100) throw HttpError(400, "invalid cursor");
    require_text("'cursor'", *cursor);
  }
  store::VideoPage page;
  std::vector<std::shared_ptr<const CachedReport>> reports;
  ctx.pool.run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    try {
      page = store::list_videos(tx, q, limit, cursor);
    } catch (const std::invalid_argument& e) {
      throw HttpError(400, e.what());
    }
    reports.clear();
    // Each item from the report cache; misses are built in this transaction.
    for (const auto& v : page.videos) {
      auto r = ctx.cache.get(v.id);
      if (!r) {
        auto ticket = ctx.cache.ticket(v.id);
        auto built = store::build_report(tx, v.id);
        if (!built) continue;  // deleted meanwhile
        auto fresh = std::make_shared<CachedReport>();
        fresh->body =
            std::make_shared<const std::string>(built->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        fresh->etag = httpserve::etag_for(*fresh->body);
        fresh->json = std::move(*built);
        ctx.cache.put(v.id, ticket, fresh);
        r = fresh;
      }
      reports.push_back(r);
    }
  });
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : reports) items.push_back(compact_report(r->json));
  send_json(
      res, 200,
      {{"items", items}, {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json()}});
}

void get_report(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  const auto key = video_key_from_path(req.matches[1]);
  auto r = load_report(ctx, key);
  if (!r) throw HttpError(404, "no such video: " + key);
  res.set_header("Cache-Control", "no-cache");
  httpserve::serve_bytes(req, res, r->body, "application/json", r->etag);
}

void delete_report(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  require_api_token(ctx, req);
  const auto key = video_key_from_path(req.matches[1]);
  store::DeletedVideo deleted;
  ctx.pool.run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    try {
      deleted = store::delete_video(tx, queue::Queue(), key);
    } catch (const store::UnknownVideo& e) {
      throw HttpError(404, e.what());
    }
    tx.commit();
  });
  ctx.cache.invalidate(key);
  // After the commit (store/video_delete.h). A file that cannot be removed
  // stays behind unreferenced (logged), nothing else.
  int removed = store::remove_audio_files(ctx.audio, deleted.orphaned_files,
                                          [](const std::string& file, const std::exception& e) {
                                            spdlog::warn("gateway: could not remove audio file {}: {}", file, e.what());
                                          });
  spdlog::info("gateway: deleted video={} jobs_cancelled={} files_removed={}", key, deleted.jobs_cancelled, removed);
  send_json(
      res, 200,
      {{"deleted", true}, {"video_id", key}, {"jobs_cancelled", deleted.jobs_cancelled}, {"files_removed", removed}});
}

void get_audio(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  const auto key = video_key_from_path(req.matches[1]);
  const std::string vname = req.matches[2];
  const auto found = find_variant(vname);
  if (!found) throw HttpError(404, "no audio variant " + quote_input(vname));
  const Variant& v = *found;
  if (!v.is_audio())
    throw HttpError(404, "'" + v.name() + "' is a text variant; audio variants: audio, audio-fr, audio-es");
  std::optional<store::AudioRecord> rec;
  std::shared_ptr<const std::string> bytes;
  const auto inm = req.get_header_value("If-None-Match");
  ctx.pool.run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    rec = store::current_audio(tx, key, v.name());
    if (!rec) return;
    // A matching ETag needs no bytes: answer 304 without loading the MP3.
    if (!inm.empty() && httpserve::etag_matches(inm, "\"" + rec->sha256 + "\"")) return;
    try {
      bytes = std::make_shared<const std::string>(ctx.audio.load(tx, *rec));
    } catch (const std::runtime_error& e) {
      if (dynamic_cast<const pqxx::failure*>(&e)) throw;
      spdlog::error("gateway: audio {} unreadable: {}", rec->url_path(), e.what());
      throw HttpError(404, "audio for " + key + " " + v.name() + " is missing its bytes");
    }
  });
  if (!rec) throw HttpError(404, "no audio " + v.name() + " for " + key);
  const std::string etag = "\"" + rec->sha256 + "\"";
  res.set_header("Cache-Control", "no-cache");
  if (!bytes) {
    res.status = 304;
    res.set_header("ETag", etag);
    return;
  }
  httpserve::serve_bytes(req, res, bytes, "audio/mpeg", etag);
}

}  // namespace

void install_report_routes(httpserve::Router& r, ApiContext& ctx) {
  // The hot route goes first: httplib tries patterns in registration order.
  // The names are the routes' templates, what request metrics count by.
  r.get(R"(/api/reports/([^/]+))",
        guarded([&ctx](const httplib::Request& q, httplib::Response& s) { get_report(ctx, q, s); }),
        "/api/reports/{id}");
  r.get("/api/reports", guarded([&ctx](const httplib::Request& q, httplib::Response& s) { list_reports(ctx, q, s); }));
  r.del(R"(/api/reports/([^/]+))",
        guarded([&ctx](const httplib::Request& q, httplib::Response& s) { delete_report(ctx, q, s); }),
        "/api/reports/{id}");
  r.get(R"(/api/audio/([^/]+)/([^/]+)\.mp3)",
        guarded([&ctx](const httplib::Request& q, httplib::Response& s) { get_audio(ctx, q, s); }),
        "/api/audio/{id}/{variant}.mp3");
}

}  // namespace td::gateway
