// Sends one queued notification (notify.h): the worker handler of kind
// "alert-notify".
//
//   2xx                          delivered; the job is done
//   408, 425, 429, 5xx, no answer (refused, timed out, TLS)
//                                failed: retried with backoff (the worker's
//                                retry_backoff = ALERT_RETRY_BACKOFF), dead
//                                after ALERT_SEND_ATTEMPTS
//   any other 4xx                the receiver refused this request and will
//                                refuse it again: dead at once (reason
//                                alert_rejected), not retried
//   an older notification of the same alert to the same receiver still
//                                pending: held back (RetryLater) until it is
//                                done, so the receiver sees them in order
//   a receiver this process is not configured with
//                                failed (reason alert_receiver_unknown), retried:
//                                another process may have it
//
// Error lines (jobs.last_error, logs) name the receiver and its redacted URL,
// never the URL.
#pragma once

#include "alerts/settings.h"
#include "worker/worker.h"

namespace td::alerts {

class Sender {
 public:
  explicit Sender(Settings settings);
  void operator()(worker::JobContext& ctx) const;
  // The on_failure hook: counts alert_notifications{receiver, result="failed"|"dead"}.
  static void count_failure(pqxx::transaction_base& tx, const queue::Job& job, const worker::Failure& f);

 private:
  Settings settings_;
};

}  // namespace td::alerts
