#include "alerts/notify.h"

#include <nlohmann/json.hpp>

#include "alerts/payload.h"
#include "alerts/statements.h"

namespace td::alerts {

const Statement kNotifyStatements[] = {
    // Reads the jobs_subject index (subject, id).
    {"td_alert_earlier_pending", R"SQL(
SELECT extract(epoch FROM min(run_at))::float8 FROM jobs
 WHERE subject = $1 AND id < $2 AND status IN ('queued', 'running', 'failed'))SQL"},
};
const size_t kNotifyStatementCount = std::size(kNotifyStatements);

size_t queue_notifications(pqxx::transaction_base& tx, const queue::Queue& queue, const Settings& settings,
                           const AlertState& state) {
  std::vector<queue::NewJob> jobs;
  for (const auto& r : settings.receivers) {
    const bool slack = r.format == Receiver::Format::slack;
    nlohmann::json payload = {
        {"receiver", r.name},
        {"receiver_digest", r.digest()},
        {"format", slack ? "slack" : "alertmanager"},
        {"fingerprint", state.fingerprint},
        {"status", state.status},
        {"body", slack ? slack_body(state, settings.external_url) : alertmanager_body(state, settings.external_url)}};
    queue::EnqueueOptions o;
    o.max_attempts = settings.send_attempts;
    o.priority = 10;  // before anything else of its kind; there is nothing else
    o.subject = "alert:" + state.fingerprint + ":" + r.digest();
    jobs.push_back({kNotifyKind, payload.dump(), o});
  }
  if (!jobs.empty()) queue.enqueue_many(tx, jobs);
  return jobs.size();
}

std::optional<Clock::time_point> earlier_pending(pqxx::transaction_base& tx, const std::string& subject,
                                                 int64_t job_id) {
  auto r = tx.exec_prepared("td_alert_earlier_pending", subject, job_id);
  if (r.empty() || r[0][0].is_null()) return std::nullopt;
  return from_epoch(r[0][0].as<double>());
}

}  // namespace td::alerts
