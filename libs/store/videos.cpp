#include "store/videos.h"

#include "db/sql.h"
#include "store/statements.h"

namespace td::store {

const Statement kVideoStatements[] = {
    {"td_video_upsert", R"SQL(
INSERT INTO videos (id, url, title, channel, duration_s, metadata, metadata_missing, requested_variants)
VALUES ($1, $2, $3, $4, $5::float8, $6::jsonb, $7, $8::text[])
ON CONFLICT (id) DO UPDATE SET
  url = excluded.url, title = excluded.title, channel = excluded.channel, duration_s = excluded.duration_s,
  metadata = excluded.metadata, metadata_missing = excluded.metadata_missing,
  requested_variants = videos.requested_variants ||
    ARRAY(SELECT v FROM unnest(excluded.requested_variants) v WHERE v <> ALL (videos.requested_variants)),
  updated_at = now()
RETURNING array_to_json(requested_variants)::text)SQL"},
    {"td_video_add_variants", R"SQL(
INSERT INTO videos (id, url, requested_variants) VALUES ($1, $2, $3::text[])
ON CONFLICT (id) DO UPDATE SET
  requested_variants = videos.requested_variants ||
    ARRAY(SELECT v FROM unnest(excluded.requested_variants) v WHERE v <> ALL (videos.requested_variants)),
  updated_at = now())SQL"},
#define TD_VIDEO_COLUMNS                                                                                             \
  "id, url, title, channel, duration_s, metadata::text, metadata_missing, array_to_json(requested_variants)::text, " \
  "extract(epoch FROM created_at)::float8, extract(epoch FROM updated_at)::float8"
    {"td_video_get", "SELECT " TD_VIDEO_COLUMNS " FROM videos WHERE id = $1"},
    {"td_video_lock", "SELECT " TD_VIDEO_COLUMNS " FROM videos WHERE id = $1 FOR UPDATE"},
    // Keyset page: rows strictly after the cursor (created_at, id), newest first.
    // The cursor is exact: created_at in whole microseconds, then the id.
    {"td_video_list", "SELECT " TD_VIDEO_COLUMNS R"SQL(, (extract(epoch FROM created_at) * 1000000)::bigint
  FROM videos
 WHERE ($1 = '' OR id ILIKE '%' || $1 || '%' OR title ILIKE '%' || $1 || '%' OR channel ILIKE '%' || $1 || '%')
   AND ($2::bigint IS NULL OR (created_at, id) < ('epoch'::timestamptz + $2::bigint * interval '1 microsecond', $3))
 ORDER BY created_at DESC, id DESC
 LIMIT $4)SQL"},
#undef TD_VIDEO_COLUMNS
    {"td_video_delete", "DELETE FROM videos WHERE id = $1"},
};
const size_t kVideoStatementCount = std::size(kVideoStatements);

namespace {

Video video_from_row(const pqxx::row& r) {
  Video v;
  v.id = r[0].as<std::string>();
  v.url = r[1].as<std::string>();
  if (!r[2].is_null()) v.title = r[2].as<std::string>();
  if (!r[3].is_null()) v.channel = r[3].as<std::string>();
  if (!r[4].is_null()) v.duration_s = r[4].as<double>();
  v.metadata = nlohmann::json::parse(r[5].as<std::string>());
  v.metadata_missing = r[6].as<bool>();
  v.requested_variants = nlohmann::json::parse(r[7].as<std::string>()).get<std::vector<std::string>>();
  v.created_at = from_epoch(r[8].as<double>());
  v.updated_at = from_epoch(r[9].as<double>());
  return v;
}

std::optional<Video> one(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return video_from_row(rows[0]);
}

}  // namespace

std::vector<std::string> upsert_video(pqxx::transaction_base& tx, const Video& v) {
  std::optional<std::string> duration;
  if (v.duration_s) duration = std::to_string(*v.duration_s);
  auto r = tx.exec_prepared1("td_video_upsert", v.id, v.url, db::nullable(v.title), db::nullable(v.channel),
                             db::nullable(duration), v.metadata.dump(), v.metadata_missing,
                             db::array_literal(v.requested_variants));
  return nlohmann::json::parse(r[0].as<std::string>()).get<std::vector<std::string>>();
}

void add_requested_variants(pqxx::transaction_base& tx, const std::string& video_id, const std::string& url,
                            const std::vector<std::string>& variants) {
  tx.exec_prepared("td_video_add_variants", video_id, url, db::array_literal(variants));
}

std::optional<Video> get_video(pqxx::transaction_base& tx, const std::string& id) {
  return one(tx.exec_prepared("td_video_get", id));
}

std::optional<Video> lock_video(pqxx::transaction_base& tx, const std::string& id) {
  return one(tx.exec_prepared("td_video_lock", id));
}

VideoPage list_videos(pqxx::transaction_base& tx, const std::string& q, int limit,
                      const std::optional<std::string>& cursor) {
  std::optional<std::string> at;
  std::string after_id;
  if (cursor && !cursor->empty()) {
    auto tilde = cursor->find('~');
    if (tilde == std::string::npos) throw std::invalid_argument("invalid cursor");
    // Cursor: "<created_at in epoch microseconds>~<id>".
    at = cursor->substr(0, tilde);
    if (at->empty() || at->size() > 18 || at->find_first_not_of("0123456789") != std::string::npos)
      throw std::invalid_argument("invalid cursor");
    after_id = cursor->substr(tilde + 1);
  }
  VideoPage page;
  auto rows = tx.exec_prepared("td_video_list", q, db::nullable(at), after_id, limit + 1);
  for (int i = 0; i < static_cast<int>(rows.size()) && i < limit; ++i) page.videos.push_back(video_from_row(rows[i]));
  if (static_cast<int>(rows.size()) > limit)
    page.next_cursor = rows[limit - 1][10].as<std::string>() + "~" + page.videos.back().id;
  return page;
}

bool delete_video_row(pqxx::transaction_base& tx, const std::string& id) {
  return tx.exec_prepared("td_video_delete", id).affected_rows() > 0;
}

}  // namespace td::store
