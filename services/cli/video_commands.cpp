// submit and report.
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

#include <cxxopts.hpp>

#include "catalog/catalog.h"
#include "commands.h"
#include "common/env.h"
#include "db/connection.h"
#include "db/notifier.h"
#include "events/outbox.h"
#include "files.h"
#include "queue/queue.h"
#include "store/pipeline.h"
#include "store/report.h"
#include "variants/variants.h"
#include "youtube/link.h"

namespace td::cli {

namespace {

std::string job_label(const nlohmann::json& j) {
  std::string label = j.value("kind", "?");
  if (j.contains("variant")) label += " " + j["variant"].get<std::string>();
  return label;
}

// Prints each job's state when it changes; returns true when nothing that
// started after `since_job` is still pending, and sets `failed` if any died.
bool print_progress(const nlohmann::json& report, int64_t since_job, std::map<int64_t, std::string>& seen,
                    bool& failed) {
  bool pending = false;
  auto jobs = report["jobs"];
  for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
    const auto& j = *it;
    int64_t id = j["id"].get<int64_t>();
    if (id < since_job) continue;
    std::string name = j["status"].get<std::string>();
    auto status = queue::parse_job_status(name);
    if (seen[id] != name) {
      seen[id] = name;
      std::string extra;
      if (status == queue::JobStatus::dead || status == queue::JobStatus::failed)
        extra = "  " + j.value("last_error", "");
      std::printf("  %-28s %-9s (job %lld, attempt %d/%d)%s\n", job_label(j).c_str(), name.c_str(),
                  static_cast<long long>(id), j["attempts"].get<int>(), j["max_attempts"].get<int>(), extra.c_str());
      std::fflush(stdout);
    }
    if (status && queue::is_pending(*status)) pending = true;
    if (status == queue::JobStatus::dead || status == queue::JobStatus::cancelled) failed = true;
  }
  return !pending;
}

// Follows one video's jobs until done or failed: 0 done, 1 failed, 3 timed out.
int wait_for_video(pqxx::connection& conn, db::Notifier& notifier, const std::string& video_id, int64_t job_id,
                   std::chrono::steady_clock::time_point deadline) {
  std::map<int64_t, std::string> seen;
  bool failed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    auto seq = notifier.sequence();
    nlohmann::json report;
    {
      pqxx::read_transaction rt(conn);
      report = store::build_report(rt, video_id).value_or(nlohmann::json::object());
    }
    if (report.contains("jobs") && print_progress(report, job_id, seen, failed)) {
      if (failed) {
        std::printf("%s: finished with failures (tubedigest report %s)\n", video_id.c_str(), video_id.c_str());
        return 1;
      }
      std::printf("%s: done (tubedigest report %s)\n", video_id.c_str(), video_id.c_str());
      return 0;
    }
    notifier.wait_for_change(seq, std::chrono::seconds(1));
  }
  std::printf("%s: still working after the timeout; check later with tubedigest report %s\n", video_id.c_str(),
              video_id.c_str());
  return 3;
}

int submit_command(const Args& args) {
  cxxopts::Options o("tubedigest submit", "Queue YouTube videos for transcripts, summaries and audio.");
  o.add_options()("database-url", "PostgreSQL URL (default: $DATABASE_URL)",
                  cxxopts::value<std::string>()->default_value(""))(
      "variants", "comma-separated variants (default: $DEFAULT_VARIANTS or " + std::string(kDefaultVariants) + ")",
      cxxopts::value<std::string>()->default_value(""))(
      "transcript-file", "use this transcript (plain text, WebVTT or SRT) instead of fetching one (one URL only)",
      cxxopts::value<std::string>()->default_value(""))(
      "refresh", "fetch metadata and captions again instead of reusing the stored transcript")(
      "wait", "show progress per stage until done or failed")("timeout", "with --wait: give up after this long",
                                                              cxxopts::value<std::string>()->default_value("30m"))(
      "url", "YouTube links or ids", cxxopts::value<std::vector<std::string>>())("h,help", "show this help");
  o.parse_positional({"url"});
  o.positional_help("URL [URL...]");
  auto r = parse_args(o, "submit", args);
  if (r.count("help")) return std::cout << o.help(), 0;
  if (!r.count("url")) throw std::invalid_argument("missing URL (see tubedigest submit --help)");
  const auto urls = r["url"].as<std::vector<std::string>>();
  std::vector<std::string> video_ids;
  for (const auto& url : urls) video_ids.push_back(youtube::canonical_key(url));  // all valid before any is queued
  auto csv = r["variants"].as<std::string>();
  if (csv.empty()) csv = env::get_or("DEFAULT_VARIANTS", kDefaultVariants);
  auto variants = parse_variant_list(csv);
  if (variants.empty()) throw std::invalid_argument("no variants given; " + valid_variants_help());
  std::optional<std::string> transcript;
  if (auto f = r["transcript-file"].as<std::string>(); !f.empty()) {
    if (urls.size() > 1) throw std::invalid_argument("--transcript-file goes with one URL");
    // The API's body limit (MAX_BODY_BYTES) bounds a transcript given here too.
    transcript = read_transcript_file(f, static_cast<size_t>(std::max(1L, env::get_long("MAX_BODY_BYTES", 1 << 20))));
  }
  std::chrono::milliseconds timeout;
  try {
    timeout = env::parse_duration(r["timeout"].as<std::string>());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--timeout: ") + e.what());
  }

  auto db_flag = r["database-url"].as<std::string>();
  auto conn = open_store(db_flag);
  queue::Queue q;
  std::vector<int64_t> job_ids;
  {
    pqxx::work tx(*conn);  // all or none
    for (size_t i = 0; i < urls.size(); ++i) {
      const auto& url = urls[i];
      const auto& video_id = video_ids[i];
      store::IngestRequest req{
          video_id,
          url.find("://") == std::string::npos ? youtube::watch_url(youtube::id_of_key(video_id)) : url,
          {},
          transcript,
          r.count("refresh") > 0};
      for (const auto& v : variants) req.variants.push_back(v.name());
      auto job = store::enqueue_ingest(tx, q, req);
      job_ids.push_back(job.id);
      std::printf("%s %s: ingest job %lld (variants: %s)%s\n", video_id.c_str(),
                  job.created ? "queued" : "already queued", static_cast<long long>(job.id),
                  join_names(variants).c_str(), req.refresh ? " (refresh)" : "");
    }
    tx.commit();
  }
  if (!r.count("wait")) return 0;

  // Wake on every outbox event; re-read the report at least once a second.
  db::Notifier notifier(database_url_from(db_flag), {events::kChannel});
  notifier.start();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int worst = 0;
  for (size_t i = 0; i < video_ids.size(); ++i)
    worst = std::max(worst, wait_for_video(*conn, notifier, video_ids[i], job_ids[i], deadline));
  return worst;
}

std::string duration_text(double s) {
  char buf[32];
  int total = static_cast<int>(s + 0.5);
  if (total >= 3600) std::snprintf(buf, sizeof buf, "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60);
  else std::snprintf(buf, sizeof buf, "%d:%02d", total / 60, total % 60);
  return buf;
}

int report_command(const Args& args) {
  cxxopts::Options o("tubedigest report", "Show what is stored for a video.");
  o.add_options()("database-url", "PostgreSQL URL (default: $DATABASE_URL)",
                  cxxopts::value<std::string>()->default_value(""))(
      "json", "print the report as JSON (the same document as GET /api/reports/yt:<id>)")(
      "transcript", "include the transcript text")("h,help", "show this help");
  add_video_argument(o);
  auto r = parse_args(o, "report", args);
  if (r.count("help")) return std::cout << o.help(), 0;
  auto video_id = video_argument(r, "report");
  auto conn = open_store(r["database-url"].as<std::string>());
  pqxx::read_transaction tx(*conn);
  auto report = store::build_report(tx, video_id, {.include_transcript = r.count("transcript") > 0});
  if (!report) {
    std::cerr << "tubedigest report: no video " << video_id << " (submit it with tubedigest submit)\n";
    return 1;
  }
  if (r.count("json")) {
    std::cout << report->dump(2) << "\n";
    return 0;
  }
  const auto& v = (*report)["video"];
  auto text = [&](const char* key) {
    return v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : std::string();
  };
  std::printf("%s  %s\n", video_id.c_str(), text("title").empty() ? "(no title)" : text("title").c_str());
  if (!text("channel").empty()) std::printf("channel: %s\n", text("channel").c_str());
  if (v.contains("duration_s") && v["duration_s"].is_number())
    std::printf("duration: %s\n", duration_text(v["duration_s"].get<double>()).c_str());
  if ((*report)["metadata_missing"].get<bool>()) std::printf("metadata: missing (YouTube could not be asked)\n");
  const auto& t = (*report)["transcript"];
  if (t.is_null()) std::printf("transcript: not yet\n");
  else
    std::printf("transcript: %d words, language %s, source %s\n", t["words"].get<int>(),
                t["language"].is_string() ? t["language"].get<std::string>().c_str() : "?",
                t["source"].get<std::string>().c_str());
  for (const auto& s : (*report)["summary"]["variants"]) {
    std::printf("\n== %s (revision %d, %d words, %s, %s)\n", s["variant"].get<std::string>().c_str(),
                s["revision"].get<int>(), s["word_count"].get<int>(),
                s["language"].is_string() ? s["language"].get<std::string>().c_str() : "?",
                s["provider"].get<std::string>().c_str());
    if (s.contains("audio_url"))
      std::printf("audio: %s (%s)\n", s["audio_url"].get<std::string>().c_str(),
                  duration_text(s["duration"].get<double>()).c_str());
    std::printf("%s\n", s["text"].get<std::string>().c_str());
  }
  if (t.is_object() && t.contains("text")) std::printf("\n== transcript\n%s\n", t["text"].get<std::string>().c_str());
  std::printf("\njobs:\n");
  std::map<int64_t, std::string> seen;
  bool failed = false;
  print_progress(*report, 0, seen, failed);
  return 0;
}

}  // namespace

void register_video_commands() {
  registry()["submit"] = {"queue a YouTube video (--wait shows progress per stage, --refresh fetches it again)",
                          submit_command};
  registry()["report"] = {"show what is stored for a video (--json, --transcript)", report_command};
}

}  // namespace td::cli
