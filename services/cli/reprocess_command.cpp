// reprocess: POST /api/reprocess from the command line (store::schedule_reprocess).
// No X-Reprocess-Token here: whoever has the database URL may already do more.
#include <cstdio>
#include <iostream>

#include <cxxopts.hpp>

#include "catalog/catalog.h"
#include "commands.h"
#include "db/connection.h"
#include "store/reprocess_schedule.h"
#include "store/videos.h"
#include "variants/variants.h"
#include "youtube/link.h"

namespace td::cli {

namespace {

std::string joined(const std::vector<int64_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

int reprocess_command(const Args& args) {
  cxxopts::Options o("tubedigest reprocess",
                     "Write a video's summaries again (and their audio with --regenerate-audio), as POST "
                     "/api/reprocess does.\nThe same request while one is pending is not scheduled twice.");
  o.add_options()("database-url", "PostgreSQL URL (default: $DATABASE_URL)",
                  cxxopts::value<std::string>()->default_value(""))(
      "variants",
      "comma-separated variants (default: those the video has summaries of, else those it was submitted with)",
      cxxopts::value<std::string>())("regenerate-audio",
                                     "synthesize the audio variants again, even when the script is unchanged")(
      "json", "print the answer of POST /api/reprocess")("h,help", "show this help");
  add_video_argument(o);
  auto r = parse_args(o, "reprocess", args);
  if (r.count("help")) return std::cout << o.help(), 0;
  // Link and variants are checked before the database is asked anything.
  const auto video_id = video_argument(r, "reprocess");
  std::optional<std::vector<std::string>> variants;
  if (r.count("variants")) {
    auto parsed = parse_variant_list(r["variants"].as<std::string>());
    if (parsed.empty()) throw std::invalid_argument("--variants: no variants given; " + valid_variants_help());
    variants.emplace();
    for (const auto& v : parsed) variants->push_back(v.name());
  }
  const bool regenerate_audio = r.count("regenerate-audio") > 0;

  auto conn = open_store(r["database-url"].as<std::string>());
  store::ScheduledReprocess scheduled;
  {
    pqxx::work tx(*conn);
    try {
      scheduled = store::schedule_reprocess(tx, queue::Queue(), video_id, variants, regenerate_audio);
    } catch (const store::UnknownVideo& e) {
      std::cerr << "tubedigest reprocess: " << e.what() << " (submit it with tubedigest submit)\n";
      return 1;
    } catch (const store::NothingToReprocess& e) {
      std::cerr << "tubedigest reprocess: " << e.what() << "; pass --variants\n";
      return 1;
    }
    tx.commit();
  }
  if (r.count("json")) {
    std::cout << scheduled.to_json().dump(2) << "\n";
    return 0;
  }
  const auto& q = scheduled.request;
  std::printf("%s: reprocess %lld %s, summarize jobs %s (variants: %s%s)\n", video_id.c_str(),
              static_cast<long long>(q.id), scheduled.created ? "scheduled" : "already scheduled",
              joined(q.job_ids).c_str(), joined(q.variants).c_str(), q.regenerate_audio ? "; audio regenerated" : "");
  return 0;
}

}  // namespace

void register_reprocess_command() {
  registry()["reprocess"] = {"write a video's summaries again (--variants, --regenerate-audio)", reprocess_command};
}

}  // namespace td::cli
