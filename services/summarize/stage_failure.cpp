// on_failure for summarize jobs: what a failed attempt announces.
#include <spdlog/spdlog.h>

#include <cctype>

#include "events/outbox.h"
#include "events/types.h"
#include "metrics/metrics.h"
#include "store/reprocess.h"
#include "summarize/stage.h"
#include "variants/variants.h"

namespace td::summarize_stage {

using json = nlohmann::json;

std::string reason_of(const std::string& error) {
  auto colon = error.find(": ");
  if (colon == std::string::npos || colon == 0 || colon > 40) return "error";
  for (size_t i = 0; i < colon; ++i) {
    char c = error[i];
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return "error";
  }
  return error.substr(0, colon);
}

// The payload may be anything (that may be why the job failed): take what
// parses and leave the rest null.
void on_failure(pqxx::transaction_base& tx, const queue::Job& job, const std::string& error, bool gave_up) {
  json p = json::parse(job.payload, nullptr, false);
  if (!p.is_object()) p = json::object();
  std::optional<std::string> video_id;
  if (p.contains("video_id") && p["video_id"].is_string()) video_id = p["video_id"].get<std::string>();
  json variant = nullptr;
  if (p.contains("variant") && p["variant"].is_string()) {
    try {
      variant = parse_variant(p["variant"].get<std::string>()).name();
    } catch (const UnknownVariant&) {
      variant = p["variant"];
    }
  }
  json vid = video_id ? json(*video_id) : json(nullptr);
  std::string reason = reason_of(error);
  if (!gave_up) {
    events::emit(tx, events::type::report_sync_error, video_id,
                 {{"video_id", vid}, {"variant", variant}, {"stage", "summarize"}, {"reason", reason}, {"error", error},
                  {"attempt", job.attempt}, {"max_attempts", job.max_attempts}});
    return;
  }
  metrics::increment(tx, "summarize_failure");
  std::vector<std::pair<const char*, json>> out;
  out.push_back({events::type::report_sync_failed,
                 {{"video_id", vid}, {"variant", variant}, {"stage", "summarize"}, {"reason", reason}, {"error", error},
                  {"attempt", job.attempt}}});
  // One failed variant fails the whole request; the first to give up marks
  // it (finish_reprocess is false afterwards, so it is announced once).
  if (p.contains("reprocess_id") && p["reprocess_id"].is_number_integer()) {
    auto id = p["reprocess_id"].get<int64_t>();
    auto r = store::lock_reprocess(tx, id);
    if (r && store::finish_reprocess(tx, id, false, variant.dump() + ": " + error)) {
      metrics::increment(tx, "reprocess_failure");
      out.push_back({events::type::reprocess_error,
                     {{"video_id", vid}, {"reprocess_id", id}, {"variant", variant}, {"reason", reason}, {"error", error}}});
    }
  }
  for (const auto& [type, data] : out) events::emit(tx, type, video_id, data);
}

}  // namespace td::summarize_stage
