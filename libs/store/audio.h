// audio: MP3s of audio variants, and where their bytes live.
//
// AudioStore is the seam: PostgresAudioStore keeps the bytes in the row (any
// gateway on any host can serve them; the default), DirectoryAudioStore keeps
// them as files under AUDIO_DIR (plain files on a NAS; every replica must
// mount the same folder). Rows record which store holds their bytes, so a
// process reads any row whichever store wrote it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/clock.h"

namespace td::store {

struct AudioRecord {
  int64_t id = 0;
  std::string video_id;
  std::string variant;
  int summary_revision = 0;
  std::string script_hash;  // sha256 of (script, engine, voice, rate)
  std::string engine;
  std::optional<std::string> voice;
  std::optional<std::string> rate;
  double duration_s = 0;
  int64_t bytes = 0;
  std::string sha256;                  // of the MP3 bytes; the HTTP ETag
  std::string store;                   // "postgres" | "dir"
  std::optional<std::string> path;     // file name under AUDIO_DIR for "dir"
  std::optional<int64_t> reused_from;  // the row whose bytes this row shares
  std::optional<int64_t> job_id;
  std::optional<int64_t> reprocess_id;
  Clock::time_point created_at{};
  // {from, to, reason} when a fallback engine spoke instead of the planned
  // one (schema/007); a reused row never has one (reuse matches the plan).
  std::optional<nlohmann::json> fallback;

  std::string url_path() const;  // "/api/audio/yt:<id>/<variant>.mp3"
};

class AudioStore {
 public:
  virtual ~AudioStore() = default;
  virtual std::string name() const = 0;
  // Writes the bytes and inserts the row in `tx` (rec.store, path, bytes and
  // sha256 are filled in here). The directory store writes a temporary file,
  // fsyncs and renames it before inserting the row, so a row never points at
  // a half-written file; a crash in between leaves an orphan file that the
  // next store of the same bytes (same name) replaces.
  virtual AudioRecord put(pqxx::transaction_base& tx, AudioRecord rec, const std::string& mp3) = 0;
  // The bytes of a row, whichever store wrote it (load_audio with this
  // store's folder). The Postgres store knows no folder: a "dir" row throws
  // std::runtime_error there, as does a file gone from the folder.
  virtual std::string load(pqxx::transaction_base& tx, const AudioRecord& rec) const = 0;
  // Removes a file no row refers to any more (a name delete_video returned),
  // after the commit that deleted its rows; true when a file was removed.
  // The Postgres store keeps bytes in the rows, which took them along: it
  // has nothing to remove. The directory store unlinks AUDIO_DIR/<file>.
  virtual bool remove(const std::string& file) = 0;
};

class PostgresAudioStore final : public AudioStore {
 public:
  std::string name() const override { return "postgres"; }
  AudioRecord put(pqxx::transaction_base& tx, AudioRecord rec, const std::string& mp3) override;
  std::string load(pqxx::transaction_base& tx, const AudioRecord& rec) const override;
  bool remove(const std::string&) override { return false; }
};

class DirectoryAudioStore final : public AudioStore {
 public:
  explicit DirectoryAudioStore(std::string dir);
  std::string name() const override { return "dir"; }
  AudioRecord put(pqxx::transaction_base& tx, AudioRecord rec, const std::string& mp3) override;
  std::string load(pqxx::transaction_base& tx, const AudioRecord& rec) const override;
  // Only a plain name directly inside the folder: a name with '/', or one
  // starting with '.' (".", "..", the folder's marker, temporary files), is
  // std::invalid_argument and nothing is touched. A file already gone is
  // false; any other failure is std::system_error naming the path.
  bool remove(const std::string& file) override;

 private:
  std::string dir_;
};

// `audio_dir` non-empty: DirectoryAudioStore there; otherwise PostgresAudioStore.
std::unique_ptr<AudioStore> audio_store_for(const std::string& audio_dir);
// The same for AUDIO_DIR.
std::unique_ptr<AudioStore> audio_store_from_env();

// A new row for `rec` that shares the bytes of `existing` (same script hash):
// nothing is synthesized or copied.
AudioRecord insert_reused_audio(pqxx::transaction_base& tx, AudioRecord rec, const AudioRecord& existing);

// The bytes of a row, from whichever store holds them. `audio_dir` resolves
// "dir" rows (AUDIO_DIR of this process). Throws std::runtime_error when the
// bytes are gone (a file deleted by hand).
std::string load_audio(pqxx::transaction_base& tx, const AudioRecord& rec, const std::string& audio_dir);

// The row a job already stored, if any (idempotent re-runs).
std::optional<AudioRecord> audio_by_job(pqxx::transaction_base& tx, int64_t job_id);
// The newest row of this video with this script hash (reuse when
// regenerate_audio is false). Only the same video's rows are reused: rows
// share bytes, and deleting another video would take them away.
std::optional<AudioRecord> audio_by_hash(pqxx::transaction_base& tx, const std::string& video_id,
                                         const std::string& script_hash);
std::optional<AudioRecord> current_audio(pqxx::transaction_base& tx, const std::string& video_id,
                                         const std::string& variant);
// Records on a just stored row that a fallback engine spoke it.
void set_audio_fallback(pqxx::transaction_base& tx, int64_t audio_id, const nlohmann::json& fallback);
// Newest row per variant of a video.
std::vector<AudioRecord> current_audio_all(pqxx::transaction_base& tx, const std::string& video_id);

// File names (under AUDIO_DIR) of a video's "dir" rows, and whether any row
// still refers to a file; delete_video (store/video_delete.h) leaves a file
// to remove only when no row of another video shares it.
std::vector<std::string> audio_files_of_video(pqxx::transaction_base& tx, const std::string& video_id);
bool audio_file_in_use(pqxx::transaction_base& tx, const std::string& path);

}  // namespace td::store
