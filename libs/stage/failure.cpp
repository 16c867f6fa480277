#include "stage/failure.h"

#include "events/outbox.h"
#include "events/types.h"
#include "metrics/metrics.h"
#include "variants/variants.h"

namespace td::stage {

using json = nlohmann::json;

namespace {

// What a failure can tell of its job from a payload that may not parse.
struct Subject {
  json video_id = nullptr;
  json variant = nullptr;
  std::optional<int64_t> reprocess_id;
};

Subject subject_of(const queue::Job& job) {
  Subject s;
  json p = json::parse(job.payload, nullptr, false);
  if (!p.is_object()) p = json::object();
  if (p.contains("video_id") && p["video_id"].is_string()) s.video_id = p["video_id"];
  else if (job.subject) s.video_id = *job.subject;
  if (p.contains("variant") && p["variant"].is_string()) {
    auto v = find_variant(p["variant"].get<std::string>());
    s.variant = v ? json(v->name()) : p["variant"];  // unknown: named as the job named it
  }
  if (p.contains("reprocess_id") && p["reprocess_id"].is_number_integer())
    s.reprocess_id = p["reprocess_id"].get<int64_t>();
  return s;
}

}  // namespace

void announce_failure(pqxx::transaction_base& tx, const Names& names, const queue::Job& job,
                      const worker::Failure& failure) {
  auto s = subject_of(job);
  std::optional<std::string> subject;
  if (s.video_id.is_string()) subject = s.video_id.get<std::string>();
  json data = {{"video_id", s.video_id}, {"stage", names.name},        {"reason", failure.reason},
               {"error", failure.error}, {"attempt", failure.attempt}, {"max_attempts", failure.max_attempts},
               {"job_id", job.id}};
  if (names.has_variant) data["variant"] = s.variant;
  if (failure.http_status) data["http_status"] = *failure.http_status;
  events::emit(tx, failure.gave_up ? names.failed_event : names.error_event, subject, data);
  // Every failed ingest attempt that YouTube answered with an HTTP error,
  // by class: the counter behind tubedigest_ingest_http_errors_total, beside
  // the IngestHttpErrors alert reading the same field from these events.
  if (names.name == "ingest" && failure.http_status && *failure.http_status >= 400 && *failure.http_status <= 599)
    metrics::increment(tx, kIngestHttpErrors, {{"status_class", *failure.http_status < 500 ? "4xx" : "5xx"}});
  if (!failure.gave_up || !s.reprocess_id) return;

  // Lock order everywhere: video row, then reprocess row; a failing job
  // holds no video lock, so it only takes the reprocess row.
  auto request = store::lock_reprocess(tx, *s.reprocess_id);
  std::string output = names.output_label + (s.variant.is_string() ? s.variant.get<std::string>() : names.name);
  if (!request || request->status != "pending" ||
      !store::finish_reprocess(tx, *s.reprocess_id, false, output + ": " + failure.error))
    return;
  metrics::increment(tx, "reprocess_failure");
  json error = {{"video_id", s.video_id},
                {"reprocess_id", *s.reprocess_id},
                {"stage", names.name},
                {"reason", failure.reason},
                {"error", failure.error}};
  if (names.has_variant) error["variant"] = s.variant;
  events::emit(tx, events::type::reprocess_error, subject, error);
}

std::optional<json> complete_reprocess(pqxx::transaction_base& tx, const store::ReprocessRequest& request,
                                       const std::string& video_id) {
  if (request.status != "pending" || !store::reprocess_outputs_done(tx, request)) return std::nullopt;
  if (!store::finish_reprocess(tx, request.id, true, std::nullopt)) return std::nullopt;
  metrics::increment(tx, "reprocess_success");
  return json{{"video_id", video_id}, {"reprocess_id", request.id}, {"variants", request.variants}};
}

}  // namespace td::stage
