// The summarize handler through a real Worker and PostgreSQL, extractive
// chain: what it stores, in which order it announces it, what it enqueues.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "fixtures.h"
#include "store/reprocess.h"
#include "store/summaries.h"
#include "summarize/qa.h"
#include "summarize/spec.h"
#include "summarize/text.h"
#include "support/helpers.h"

using namespace td::summarize_test;
using namespace std::chrono_literals;
namespace sz = td::summarize;

namespace {

// The stored text against its variant's spec, for the input the handler read.
void check_within_spec(const sz::SummaryInput& in, const td::store::Summary& s) {
  auto variant = td::parse_variant(s.variant);
  const auto& spec = sz::spec_for(variant);
  auto target = sz::target_for(spec, variant, sz::effective_duration(in), sz::count_words(sz::transcript_text(in)));
  sz::QaContext ctx{&spec, variant, target, sz::output_language(in, variant), s.text};
  auto failures = sz::run_checks(ctx);
  std::string why;
  for (auto& f : failures) why += f.describe() + "; ";
  INFO(s.variant << ": " << why);
  CHECK(failures.empty());
  CHECK(s.language == sz::output_language(in, variant));
  CHECK(s.word_count == sz::count_words(s.text));
}

td::store::Summary current(pqxx::connection& c, const std::string& video, const std::string& variant) {
  pqxx::read_transaction tx(c);
  auto s = td::store::current_summary(tx, video, variant);
  REQUIRE(s);
  return *s;
}

std::vector<td::store::Summary> revisions(pqxx::connection& c, const std::string& video, const std::string& variant) {
  pqxx::read_transaction tx(c);
  return td::store::summary_revisions(tx, video, variant);
}

std::vector<json> tts_payloads(pqxx::connection& c) {
  pqxx::read_transaction tx(c);
  std::vector<json> out;
  for (const auto& r : tx.exec("SELECT payload FROM jobs WHERE kind = 'tts' ORDER BY id"))
    out.push_back(json::parse(r[0].as<std::string>()));
  return out;
}

}  // namespace

TEST_CASE("AllVariants: every requested variant stored within its spec, report-updated each, report-synced once") {
  td::test::TestDatabase db("sum_all");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:aaaaaaaaaaa";
  std::vector<std::string> requested = {"comprehensive", "bullet-points", "key-insights", "audio", "audio-es:beginner"};
  auto in = add_video(*c, {vid, requested, 12});
  std::map<std::string, int64_t> jobs;
  for (auto& v : requested) jobs[v] = enqueue(*c, vid, v);
  {
    Running r(db.url());
    REQUIRE(wait_idle(*c));
  }
  for (auto& [v, id] : jobs) CHECK_MESSAGE(job_status(*c, id) == "done", v << ": " << job_error(*c, id));

  for (auto& v : requested) {
    auto s = current(*c, vid, v);
    CHECK(s.revision == 1);
    CHECK(s.job_id == jobs[v]);
    CHECK(s.provider == "extractive");
    CHECK(s.guardrail["accepted"]["summarizer"] == "extractive");
    CHECK(s.guardrail["attempts"].size() >= 1);
    check_within_spec(in, s);
  }
  // The beginner level is part of the stored name, intermediate is not.
  CHECK(current(*c, vid, "audio-es:beginner").guardrail.contains("translated_by"));

  auto all = events(*c);
  std::vector<std::string> updated;
  for (auto& e : all) {
    if (e.type != "report-updated") continue;
    updated.push_back(e.data["variant"]);
    CHECK(e.data["video_id"] == vid);
    CHECK(e.data["revision"] == 1);
    CHECK(e.data["stage"] == "summarized");
    CHECK(e.data["word_count"] == current(*c, vid, e.data["variant"]).word_count);
  }
  std::sort(updated.begin(), updated.end());
  auto want = requested;
  std::sort(want.begin(), want.end());
  CHECK(updated == want);
  auto synced = events(*c, "report-synced");
  REQUIRE(synced.size() == 1);
  CHECK(synced[0].id == all.back().id);  // after every report-updated
  CHECK(synced[0].data["variants"].get<std::vector<std::string>>() == requested);
  CHECK(events(*c, "report-sync-error").empty());

  // A tts job per audio variant, pointing at the stored revision.
  auto tts = tts_payloads(*c);
  REQUIRE(tts.size() == 2);
  std::vector<std::string> tts_variants;
  for (auto& p : tts) {
    tts_variants.push_back(p["variant"]);
    CHECK(p["video_id"] == vid);
    CHECK(p["summary_revision"] == 1);
    CHECK(p["regenerate_audio"] == false);
    CHECK(!p.contains("reprocess_id"));
  }
  std::sort(tts_variants.begin(), tts_variants.end());
  CHECK(tts_variants == std::vector<std::string>{"audio", "audio-es:beginner"});

  CHECK(counter(*c, "summarize_success") == 5);
  CHECK(counter(*c, "summarize_failure") == 0);
  CHECK(histogram_count(*c, "summarize_seconds") == 5);
  CHECK(histogram_count(*c, "queue_wait_seconds") == 5);
}

TEST_CASE("FrenchVideo: SUMMARY_LANGUAGE=auto writes French summaries of a French transcript") {
  td::test::TestDatabase db("sum_fr");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:frfrfrfrfrf";
  auto in = add_video(*c, {vid, {"comprehensive", "key-insights"}, 12, "fr"});
  enqueue(*c, vid, "comprehensive");
  enqueue(*c, vid, "key-insights");
  {
    Running r(db.url());
    REQUIRE(wait_idle(*c));
  }
  for (auto v : {"comprehensive", "key-insights"}) {
    auto s = current(*c, vid, v);
    CHECK(s.language == "fr");
    CHECK(s.guardrail["language"]["detected"] == "fr");
    check_within_spec(in, s);
  }
  CHECK(events(*c, "report-synced").size() == 1);
}

TEST_CASE("Reprocess: new revisions, old ones kept, report-synced again, reprocess-complete once") {
  td::test::TestDatabase db("sum_rep");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:bbbbbbbbbbb";
  std::vector<std::string> requested = {"comprehensive", "bullet-points"};
  add_video(*c, {vid, requested, 12});
  for (auto& v : requested) enqueue(*c, vid, v);
  Running r(db.url());
  REQUIRE(wait_idle(*c));
  auto first_text = current(*c, vid, "comprehensive").text;
  auto before = events(*c).back().id;

  auto rid = reprocess(*c, vid, requested, false);
  REQUIRE(wait_idle(*c));
  for (auto& v : requested) {
    auto revs = revisions(*c, vid, v);
    REQUIRE(revs.size() == 2);
    CHECK(revs[0].revision == 1);
    CHECK(!revs[0].reprocess_id);
    CHECK(revs[1].revision == 2);
    CHECK(revs[1].reprocess_id == rid);
    CHECK(current(*c, vid, v).revision == 2);
  }
  CHECK(revisions(*c, vid, "comprehensive")[0].text == first_text);  // the old revision is kept as it was
  {
    pqxx::work tx(*c);
    auto req = td::store::lock_reprocess(tx, rid);
    REQUIRE(req);
    CHECK(req->status == "complete");
  }
  std::vector<Event> after;
  for (auto& e : events(*c))
    if (e.id > before) after.push_back(e);
  std::vector<std::string> types;
  for (auto& e : after) types.push_back(e.type);
  // Both jobs announce themselves first; the last one to store completes both.
  REQUIRE(types.size() == 6);
  CHECK(std::count(types.begin(), types.end(), "reprocess-requested") == 2);
  CHECK(std::count(types.begin(), types.end(), "report-updated") == 2);
  CHECK(types[4] == "report-synced");
  CHECK(types[5] == "reprocess-complete");
  CHECK(after[4].data["reprocess_id"] == rid);
  CHECK(after[5].data["reprocess_id"] == rid);
  CHECK(after[5].data["variants"].get<std::vector<std::string>>() == requested);
  for (auto& e : after)
    if (e.type == "report-updated") CHECK(e.data["revision"] == 2);
  for (auto& e : after)
    if (e.type == "reprocess-requested") CHECK(e.data["reprocess_id"] == rid);
  CHECK(counter(*c, "reprocess_success") == 1);

  SUBCASE("a plain re-summarize makes revision 3 without a new report-synced") {
    enqueue(*c, vid, "comprehensive");
    REQUIRE(wait_idle(*c));
    CHECK(current(*c, vid, "comprehensive").revision == 3);
    CHECK(events(*c, "report-synced").size() == 2);
    CHECK(events(*c, "report-updated").size() == 5);
  }
}

TEST_CASE("ReprocessAudio: regenerate_audio waits for the tts stage; the tts job carries the request") {
  td::test::TestDatabase db("sum_repa");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:ccccccccccc";
  add_video(*c, {vid, {"comprehensive", "audio"}, 12});
  Running r(db.url());
  auto rid = reprocess(*c, vid, {"audio"}, true);
  REQUIRE(wait_idle(*c));
  auto s = current(*c, vid, "audio");
  CHECK(s.reprocess_id == rid);
  auto tts = tts_payloads(*c);
  REQUIRE(tts.size() == 1);
  CHECK(tts[0]["variant"] == "audio");
  CHECK(tts[0]["summary_revision"] == s.revision);
  CHECK(tts[0]["regenerate_audio"] == true);
  CHECK(tts[0]["reprocess_id"] == rid);
  {
    pqxx::work tx(*c);
    CHECK(td::store::lock_reprocess(tx, rid)->status == "pending");  // the audio is still to come
  }
  CHECK(events(*c, "reprocess-complete").empty());
  CHECK(events(*c, "reprocess-requested").size() == 1);
  // comprehensive was requested but never written: the report is not synced.
  CHECK(events(*c, "report-synced").empty());
}

TEST_CASE("Idempotent: a job that runs again after storing adds no row, event, counter or tts job") {
  td::test::TestDatabase db("sum_idem");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:ddddddddddd";
  add_video(*c, {vid, {"audio"}, 12});
  auto id = enqueue(*c, vid, "audio");
  Running r(db.url());
  REQUIRE(wait_idle(*c));
  REQUIRE(job_status(*c, id) == "done");
  auto tts_before = count(*c, "SELECT count(*) FROM jobs WHERE kind = 'tts'");
  REQUIRE(tts_before == 1);
  {
    // The rescued-lease case: the same job id comes round again. The tts job
    // is marked done so its dedup key would not hide a second enqueue.
    pqxx::work tx(*c);
    tx.exec("UPDATE jobs SET status = 'done', finished_at = now() WHERE kind = 'tts'");
    tx.exec_params(
        "UPDATE jobs SET status = 'queued', run_at = now(), lease_owner = NULL, finished_at = NULL "
        "WHERE id = $1",
        id);
    tx.exec_params("SELECT pg_notify($1, '')", td::queue::Queue::channel("summarize"));
    tx.commit();
  }
  REQUIRE(td::test::eventually(
      [&] {
        return count(*c, "SELECT attempts FROM jobs WHERE id = " + std::to_string(id)) == 2 &&
               job_status(*c, id) == "done";
      },
      30s));
  CHECK(count(*c, "SELECT count(*) FROM summaries") == 1);
  CHECK(events(*c, "report-updated").size() == 1);
  CHECK(events(*c, "report-synced").size() == 1);
  CHECK(count(*c, "SELECT count(*) FROM jobs WHERE kind = 'tts'") == 1);
  CHECK(counter(*c, "summarize_success") == 1);
}
