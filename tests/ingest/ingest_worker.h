// The worker the ingest tests run the stage on, in-process: fast polls and
// retries, no maintenance, every statement prepared.
#pragma once

#include <chrono>
#include <string>

#include "catalog/catalog.h"
#include "ingest_stage.h"
#include "stage/stage.h"
#include "worker/worker.h"

namespace td::ingest::test {

inline worker::Worker make_ingest_worker(const std::string& url, IngestStage& stage) {
  using namespace std::chrono_literals;
  worker::Options o;
  o.database_url = url;
  o.kinds = {"ingest"};
  o.poll_interval = 300ms;
  o.maintenance_interval = 0ms;
  o.retry_backoff = {50ms, 200ms, 0.0};
  o.prepare = catalog::prepare;
  auto handler = stage::install(stage, o);
  return worker::Worker(o, handler);
}

}  // namespace td::ingest::test
