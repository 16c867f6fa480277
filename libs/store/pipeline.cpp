#include "store/pipeline.h"

#include <cstdint>
#include <limits>
#include <type_traits>

#include "common/errors.h"
#include "store/videos.h"

namespace td::store {

namespace {

// nlohmann converts any number to any arithmetic type (1e300 -> int is
// undefined, in practice -2147483648), so whole-number fields are checked here:
// an integer within T's range, or the job dies with a clear reason.
template <typename T>
T whole_number(const nlohmann::json& v, const char* name) {
  using limits = std::numeric_limits<T>;
  bool ok = false;
  if (v.is_number_unsigned()) ok = v.get<uint64_t>() <= static_cast<uint64_t>(limits::max());
  else if (v.is_number_integer())
    ok = v.get<int64_t>() >= static_cast<int64_t>(limits::min()) &&
         v.get<int64_t>() <= static_cast<int64_t>(limits::max());
  if (!ok)
    throw PermanentError("bad_payload", std::string("job payload field '") + name + "' must be a whole number from " +
                                            std::to_string(limits::min()) + " to " + std::to_string(limits::max()) +
                                            ", got " +
                                            v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return v.is_number_unsigned() ? static_cast<T>(v.get<uint64_t>()) : static_cast<T>(v.get<int64_t>());
}

template <typename T>
T field(const nlohmann::json& p, const char* name) {
  if (!p.is_object() || !p.contains(name))
    throw PermanentError("bad_payload", std::string("job payload has no '") + name + "'");
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return whole_number<T>(p.at(name), name);
  try {
    return p.at(name).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw PermanentError("bad_payload", std::string("job payload field '") + name + "' has the wrong type");
  }
}

template <typename T>
std::optional<T> optional_field(const nlohmann::json& p, const char* name) {
  if (!p.is_object() || !p.contains(name) || p.at(name).is_null()) return std::nullopt;
  return field<T>(p, name);
}

}  // namespace

queue::Enqueued enqueue_ingest(pqxx::transaction_base& tx, const queue::Queue& q, const IngestRequest& r) {
  add_requested_variants(tx, r.video_id, r.url, r.variants);
  nlohmann::json p = {{"video_id", r.video_id}, {"url", r.url}, {"variants", r.variants}};
  if (r.transcript) p["transcript"] = *r.transcript;
  // Written only when asked for, so other payloads stay as they were. A
  // refresh has its own dedup key: folded into a pending ingest that reuses
  // the stored transcript it would be lost, so it queues beside it (the
  // stage tolerates two jobs for one video) and only a pending refresh of
  // the same video is returned instead.
  if (r.refresh) p["refresh"] = true;
  const std::string key = (r.refresh ? "ingest-refresh:" : "ingest:") + r.video_id;
  return q.enqueue(tx, {kIngestKind, p.dump(), {.max_attempts = 5, .dedup_key = key, .subject = r.video_id}});
}

queue::Enqueued enqueue_summarize(pqxx::transaction_base& tx, const queue::Queue& q, const SummarizeRequest& r) {
  nlohmann::json p = {{"video_id", r.video_id}, {"variant", r.variant}};
  std::string key = "summarize:" + r.video_id + ":" + r.variant;
  if (r.reprocess_id) {
    p["reprocess_id"] = *r.reprocess_id;
    p["regenerate_audio"] = r.regenerate_audio;
    key = "reprocess:" + std::to_string(*r.reprocess_id) + ":" + r.variant;
  }
  return q.enqueue(tx, {kSummarizeKind, p.dump(), {.max_attempts = 5, .dedup_key = key, .subject = r.video_id}});
}

queue::Enqueued enqueue_tts(pqxx::transaction_base& tx, const queue::Queue& q, const TtsRequest& r) {
  nlohmann::json p = {{"video_id", r.video_id},
                      {"variant", r.variant},
                      {"summary_revision", r.summary_revision},
                      {"regenerate_audio", r.regenerate_audio}};
  std::string key = "tts:" + r.video_id + ":" + r.variant;
  if (r.reprocess_id) {
    p["reprocess_id"] = *r.reprocess_id;
    key += ":reprocess:" + std::to_string(*r.reprocess_id);
  }
  return q.enqueue(tx, {kTtsKind, p.dump(), {.max_attempts = 5, .dedup_key = key, .subject = r.video_id}});
}

IngestRequest ingest_request_from(const nlohmann::json& p) {
  IngestRequest r;
  r.video_id = field<std::string>(p, "video_id");
  r.url = optional_field<std::string>(p, "url").value_or(r.video_id);
  r.variants = optional_field<std::vector<std::string>>(p, "variants").value_or(std::vector<std::string>{});
  r.transcript = optional_field<std::string>(p, "transcript");
  r.refresh = optional_field<bool>(p, "refresh").value_or(false);
  return r;
}

SummarizeRequest summarize_request_from(const nlohmann::json& p) {
  SummarizeRequest r;
  r.video_id = field<std::string>(p, "video_id");
  r.variant = field<std::string>(p, "variant");
  r.reprocess_id = optional_field<int64_t>(p, "reprocess_id");
  r.regenerate_audio = optional_field<bool>(p, "regenerate_audio").value_or(false);
  return r;
}

TtsRequest tts_request_from(const nlohmann::json& p) {
  TtsRequest r;
  r.video_id = field<std::string>(p, "video_id");
  r.variant = field<std::string>(p, "variant");
  r.summary_revision = optional_field<int>(p, "summary_revision").value_or(0);
  r.regenerate_audio = optional_field<bool>(p, "regenerate_audio").value_or(false);
  r.reprocess_id = optional_field<int64_t>(p, "reprocess_id");
  return r;
}

}  // namespace td::store
