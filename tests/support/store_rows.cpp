#include "support/store_rows.h"

#include <doctest/doctest.h>

#include "store/transcripts.h"
#include "store/videos.h"
#include "youtube/link.h"

namespace td::test {

void seed_video_row(pqxx::transaction_base& tx, const std::string& video_id, const std::vector<std::string>& variants,
                    const std::optional<std::string>& channel) {
  store::Video v;
  v.id = video_id;
  v.url = youtube::watch_url(youtube::id_of_key(video_id));
  v.title = "Seeded " + video_id;
  if (channel) {
    v.channel = *channel;
    v.metadata = {{"title", *v.title}, {"channel", *v.channel}, {"duration", 600}};
  }
  v.requested_variants = variants;
  store::upsert_video(tx, v);
}

void seed_transcript_row(pqxx::transaction_base& tx, const std::string& video_id, const std::string& text) {
  store::TranscriptRow t;
  t.video_id = video_id;
  t.language = "en";
  t.source = "user";
  t.text = text;
  store::upsert_transcript(tx, t);
}

store::Summary seed_summary_row(pqxx::transaction_base& tx, const std::string& video_id, const std::string& variant) {
  store::Summary s;
  s.video_id = video_id;
  s.variant = variant;
  s.text = "Summary " + variant + " of " + video_id + ".";
  s.language = "en";
  s.word_count = 4;
  s.provider = "test";
  return store::insert_summary_once(tx, s).summary;
}

void check_reprocess_jobs(pqxx::connection& conn, const nlohmann::json& scheduled, bool regenerate_audio) {
  pqxx::read_transaction tx(conn);
  for (const auto& id : scheduled["job_ids"]) {
    auto row = tx.exec_params1("SELECT kind, status, payload::text FROM jobs WHERE id = $1", id.get<int64_t>());
    CHECK(row[0].as<std::string>() == "summarize");
    CHECK(row[1].as<std::string>() == "queued");
    auto p = nlohmann::json::parse(row[2].as<std::string>());
    CHECK(p["reprocess_id"] == scheduled["reprocess_id"]);
    CHECK(p["regenerate_audio"] == regenerate_audio);
  }
}

}  // namespace td::test
