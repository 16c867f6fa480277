#include "store/audio.h"

#include "db/sql.h"
#include "store/statements.h"

namespace td::store {

#define TD_AUDIO_COLUMNS                                                                                   \
  "id, video_id, variant, summary_revision, script_hash, engine, voice, rate, duration_s, bytes, sha256, " \
  "store, path, reused_from, job_id, reprocess_id, extract(epoch FROM created_at)::float8, fallback"

const Statement kAudioStatements[] = {
    {"td_audio_insert", R"SQL(
INSERT INTO audio (video_id, variant, summary_revision, script_hash, engine, voice, rate, duration_s, bytes, sha256,
                   store, path, data, reused_from, job_id, reprocess_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::bytea, $14::bigint, $15::bigint, $16::bigint)
RETURNING id, extract(epoch FROM created_at)::float8)SQL"},
    {"td_audio_by_job", "SELECT " TD_AUDIO_COLUMNS " FROM audio WHERE job_id = $1"},
    {"td_audio_by_hash",
     "SELECT " TD_AUDIO_COLUMNS " FROM audio WHERE video_id = $1 AND script_hash = $2 ORDER BY id DESC LIMIT 1"},
    {"td_audio_current",
     "SELECT " TD_AUDIO_COLUMNS " FROM audio WHERE video_id = $1 AND variant = $2 ORDER BY id DESC LIMIT 1"},
    {"td_audio_current_all",
     "SELECT DISTINCT ON (variant) " TD_AUDIO_COLUMNS " FROM audio WHERE video_id = $1 ORDER BY variant, id DESC"},
    // delete_video: the files of a video's rows, and whether any other row
    // still points at a file (identical MP3s share one file).
    {"td_audio_files_of_video",
     "SELECT DISTINCT path FROM audio WHERE video_id = $1 AND store = 'dir' AND path IS NOT NULL"},
    {"td_audio_file_in_use", "SELECT EXISTS (SELECT 1 FROM audio WHERE store = 'dir' AND path = $1)"},
    // Set by the tts stage right after put() when a fallback engine spoke.
    {"td_audio_set_fallback", "UPDATE audio SET fallback = $2::jsonb WHERE id = $1"},
    // Bytes of a postgres row, following reused_from to the row that holds them.
    {"td_audio_data", "SELECT data FROM audio WHERE id = coalesce((SELECT reused_from FROM audio WHERE id = $1), $1)"},
};
const size_t kAudioStatementCount = std::size(kAudioStatements);

#undef TD_AUDIO_COLUMNS

namespace {

std::optional<std::string> opt_int(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

AudioRecord from_row(const pqxx::row& r) {
  AudioRecord a;
  a.id = r[0].as<int64_t>();
  a.video_id = r[1].as<std::string>();
  a.variant = r[2].as<std::string>();
  a.summary_revision = r[3].as<int>();
  a.script_hash = r[4].as<std::string>();
  a.engine = r[5].as<std::string>();
  if (!r[6].is_null()) a.voice = r[6].as<std::string>();
  if (!r[7].is_null()) a.rate = r[7].as<std::string>();
  a.duration_s = r[8].as<double>();
  a.bytes = r[9].as<int64_t>();
  a.sha256 = r[10].as<std::string>();
  a.store = r[11].as<std::string>();
  if (!r[12].is_null()) a.path = r[12].as<std::string>();
  if (!r[13].is_null()) a.reused_from = r[13].as<int64_t>();
  if (!r[14].is_null()) a.job_id = r[14].as<int64_t>();
  if (!r[15].is_null()) a.reprocess_id = r[15].as<int64_t>();
  a.created_at = from_epoch(r[16].as<double>());
  if (!r[17].is_null()) a.fallback = nlohmann::json::parse(r[17].as<std::string>(), nullptr, false);
  return a;
}

std::optional<AudioRecord> one(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

}  // namespace

std::string AudioRecord::url_path() const { return "/api/audio/" + video_id + "/" + variant + ".mp3"; }

// Inserts the row; `data` (postgres store) is sent as a bytea literal.
AudioRecord insert_audio_row(pqxx::transaction_base& tx, AudioRecord rec, const std::optional<std::string>& data) {
  std::optional<std::string> escaped;
  if (data) escaped = tx.esc_raw(reinterpret_cast<const unsigned char*>(data->data()), data->size());
  auto rows =
      tx.exec_prepared("td_audio_insert", rec.video_id, rec.variant, rec.summary_revision, rec.script_hash, rec.engine,
                       db::nullable(rec.voice), db::nullable(rec.rate), rec.duration_s, rec.bytes, rec.sha256,
                       rec.store, db::nullable(rec.path), db::nullable(escaped), db::nullable(opt_int(rec.reused_from)),
                       db::nullable(opt_int(rec.job_id)), db::nullable(opt_int(rec.reprocess_id)));
  rec.id = rows[0][0].as<int64_t>();
  rec.created_at = from_epoch(rows[0][1].as<double>());
  return rec;
}

void set_audio_fallback(pqxx::transaction_base& tx, int64_t audio_id, const nlohmann::json& fallback) {
  tx.exec_prepared("td_audio_set_fallback", audio_id, fallback.dump());
}

AudioRecord insert_reused_audio(pqxx::transaction_base& tx, AudioRecord rec, const AudioRecord& existing) {
  rec.store = existing.store;
  rec.path = existing.path;
  rec.bytes = existing.bytes;
  rec.sha256 = existing.sha256;
  rec.duration_s = existing.duration_s;
  rec.reused_from = existing.reused_from.value_or(existing.id);
  return insert_audio_row(tx, rec, std::nullopt);
}

std::optional<AudioRecord> audio_by_job(pqxx::transaction_base& tx, int64_t job_id) {
  return one(tx.exec_prepared("td_audio_by_job", job_id));
}

std::optional<AudioRecord> audio_by_hash(pqxx::transaction_base& tx, const std::string& video_id,
                                         const std::string& script_hash) {
  return one(tx.exec_prepared("td_audio_by_hash", video_id, script_hash));
}

std::optional<AudioRecord> current_audio(pqxx::transaction_base& tx, const std::string& video_id,
                                         const std::string& variant) {
  return one(tx.exec_prepared("td_audio_current", video_id, variant));
}

std::vector<AudioRecord> current_audio_all(pqxx::transaction_base& tx, const std::string& video_id) {
  std::vector<AudioRecord> out;
  for (const auto& r : tx.exec_prepared("td_audio_current_all", video_id)) out.push_back(from_row(r));
  return out;
}

std::string load_postgres_audio(pqxx::transaction_base& tx, int64_t id) {
  auto rows = tx.exec_prepared("td_audio_data", id);
  if (rows.empty() || rows[0][0].is_null())
    throw std::runtime_error("audio row " + std::to_string(id) + " has no bytes");
  pqxx::binarystring b(rows[0][0]);
  return b.str();
}

std::vector<std::string> audio_files_of_video(pqxx::transaction_base& tx, const std::string& video_id) {
  std::vector<std::string> out;
  for (const auto& r : tx.exec_prepared("td_audio_files_of_video", video_id)) out.push_back(r[0].as<std::string>());
  return out;
}

bool audio_file_in_use(pqxx::transaction_base& tx, const std::string& path) {
  return tx.exec_prepared("td_audio_file_in_use", path)[0][0].as<bool>();
}

}  // namespace td::store
