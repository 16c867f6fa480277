#include "worker/side_worker.h"

namespace td::worker {

namespace {

Options one_slot(Options o) {
  o.concurrency = 1;
  o.maintenance_interval = std::chrono::milliseconds(0);
  return o;
}

}  // namespace

SideWorker::SideWorker(Options options, Handler handler) : worker_(one_slot(std::move(options)), std::move(handler)) {}

SideWorker::~SideWorker() { stop(); }

void SideWorker::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { worker_.run(); });
}

void SideWorker::stop() {
  worker_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace td::worker
