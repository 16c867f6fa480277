// Periodic upkeep run by every worker process: rescue jobs whose lease
// expired, prune finished jobs and old events. Every replica may run it at
// once: rescue claims expired rows with SKIP LOCKED, and pruning deletes in
// batches of a few hundred rows per short transaction, so no replica holds
// locks that workers wait on.
#pragma once

#include <chrono>
#include <functional>

#include <pqxx/pqxx>

#include "queue/queue.h"

namespace td::worker {

struct MaintenanceResult {
  int rescued = 0;
  int jobs_pruned = 0;
  int events_pruned = 0;
};

class Maintenance {
 public:
  Maintenance(const queue::Queue& queue, queue::Retention retention, std::chrono::seconds event_retention,
              int batch = 500)
      : queue_(queue), retention_(retention), event_retention_(event_retention), batch_(batch) {}

  MaintenanceResult run_once(pqxx::connection& conn, const std::function<bool()>& stopping);

 private:
  const queue::Queue& queue_;
  queue::Retention retention_;
  std::chrono::seconds event_retention_;
  int batch_;
};

}  // namespace td::worker
