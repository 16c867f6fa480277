// Notifications as durable work: each is a job of kind "alert-notify" in the
// ordinary queue, queued in the same transaction as the alert state change
// it announces, one per receiver. So a notification is never lost with a
// crashed process, a receiver that is down gets it when it is back (retried
// with backoff, ALERT_SEND_ATTEMPTS times, then dead and listed by
// `tubedigest jobs`), and one receiver's outage never delays another's.
//
// Payload (the body is rendered when queued, so it says what was true when
// the alert changed, whoever sends it):
//   {receiver: "webhook-1", receiver_digest: <Receiver::digest()>,
//    format: "alertmanager"|"slack", fingerprint, status: "firing"|"resolved",
//    body: {...}}
// The URL itself is not stored: the sending process takes it from its own
// settings by digest (every process of a deployment reads the same ALERT_*
// settings).
//
// Order per receiver and alert: the subject "alert:<fingerprint>:<digest>"
// names the stream a job belongs to; a sender holds a job back while an
// older job of its stream is still pending (sender.h), so a receiver never
// sees an alert's "resolved" before its "firing".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "alerts/settings.h"
#include "alerts/state.h"
#include "common/clock.h"
#include "queue/queue.h"

namespace td::alerts {

inline constexpr const char* kNotifyKind = "alert-notify";

// Queues the notification of `state` (as it is now: firing or resolved) for
// every receiver in `settings`. Returns how many jobs were queued.
size_t queue_notifications(pqxx::transaction_base& tx, const queue::Queue& queue, const Settings& settings,
                           const AlertState& state);

// The run_at of the oldest job of `subject` older than `job_id` that is
// still pending (queued, running or waiting for a retry); nullopt when none.
std::optional<Clock::time_point> earlier_pending(pqxx::transaction_base& tx, const std::string& subject,
                                                 int64_t job_id);

}  // namespace td::alerts
