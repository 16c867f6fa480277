#include "worker/maintenance.h"

#include <spdlog/spdlog.h>

#include "events/outbox.h"

namespace td::worker {

MaintenanceResult Maintenance::run_once(pqxx::connection& conn, const std::function<bool()>& stopping) {
  MaintenanceResult r;
  {
    pqxx::work tx(conn);
    auto rescued = queue_.rescue(tx);
    tx.commit();
    for (const auto& j : rescued)
      spdlog::warn("job={} kind={} attempt={} state={} rescued: lease of {} expired", j.id, j.kind, j.attempts,
                   j.dead ? "dead" : "queued", j.previous_owner.empty() ? "?" : j.previous_owner);
    r.rescued = static_cast<int>(rescued.size());
  }
  // Bounded rounds: a huge backlog is worked off over several runs.
  for (int round = 0; round < 50 && !stopping(); ++round) {
    pqxx::work tx(conn);
    int n = queue_.prune(tx, retention_, batch_);
    tx.commit();
    r.jobs_pruned += n;
    if (n < batch_) break;
  }
  for (int round = 0; round < 50 && !stopping(); ++round) {
    pqxx::work tx(conn);
    int n = events::prune(tx, event_retention_, batch_);
    tx.commit();
    r.events_pruned += n;
    if (n < batch_) break;
  }
  if (r.jobs_pruned || r.events_pruned)
    spdlog::info("maintenance pruned jobs={} events={}", r.jobs_pruned, r.events_pruned);
  return r;
}

}  // namespace td::worker
