#include "alerts/evaluator.h"

#include "alerts/listing.h"
#include "alerts/notify.h"
#include "events/outbox.h"
#include "events/types.h"

namespace td::alerts {

Round evaluate_round(pqxx::transaction_base& tx, const LeaderLease& lease, const Settings& settings,
                     const queue::Queue& queue) {
  Round round;
  if (!lease.try_acquire(tx)) return round;
  round.led = true;
  auto t = apply(tx, evaluate(tx, settings.thresholds), settings.repeat_interval);
  round.fired = std::move(t.fired);
  round.repeated = std::move(t.repeat_due);
  round.resolved = std::move(t.resolved);
  for (const auto* group : {&round.fired, &round.repeated, &round.resolved}) {
    for (const auto& s : *group) {
      round.notifications += queue_notifications(tx, queue, settings, s);
      mark_notified(tx, s.fingerprint);
    }
  }
  // Events last: emit() holds the outbox lock until the commit (outbox.h).
  for (const auto& s : round.fired) events::emit(tx, events::type::alert_firing, std::nullopt, to_json(s));
  for (const auto& s : round.resolved) events::emit(tx, events::type::alert_resolved, std::nullopt, to_json(s));
  return round;
}

}  // namespace td::alerts
