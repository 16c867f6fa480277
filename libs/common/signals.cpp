#include "common/signals.h"

#include <pthread.h>
#include <signal.h>

#include <thread>

namespace td {

namespace {
sigset_t termination_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}
}  // namespace

void block_termination_signals() {
  auto set = termination_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a closed socket or pipe is an error return, not a death
}

void on_termination_signal(std::function<void(int)> on_signal) {
  std::thread([fn = std::move(on_signal)] {
    auto set = termination_set();
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) == 0) fn(sig);
    }
  }).detach();
}

}  // namespace td
