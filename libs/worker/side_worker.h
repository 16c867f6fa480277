// A one-slot worker beside a process's main work, on a thread of its own:
// alert notifications in every service, Telegram replies in the gateway. It
// does no maintenance (rescue, pruning): the stage workers do that, with the
// retention settings they were given.
#pragma once

#include <memory>
#include <thread>

#include "worker/worker.h"

namespace td::worker {

class SideWorker {
 public:
  // `options` as for a Worker; concurrency and maintenance are set here.
  SideWorker(Options options, Handler handler);
  ~SideWorker();  // stop()
  SideWorker(const SideWorker&) = delete;
  SideWorker& operator=(const SideWorker&) = delete;

  void start();
  // Stops claiming; a job in flight gets the shutdown deadline, then goes back.
  void stop();

 private:
  Worker worker_;
  std::thread thread_;
};

}  // namespace td::worker
