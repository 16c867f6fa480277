// Capped exponential backoff with jitter.
//
// Used for job retries (libs/queue), reconnecting to Postgres (libs/db,
// libs/worker) and outbound provider calls. delay(n) for attempt n >= 1 is
// base * 2^(n-1), capped, then multiplied by a random factor in
// [1 - jitter, 1]: replicas that failed together do not retry together.
#pragma once

#include <chrono>

namespace td {

struct Backoff {
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds cap{std::chrono::hours(1)};
  double jitter = 0.25;  // fraction of the delay that is random, 0..1

  // The un-jittered delay: the upper bound of what delay() returns.
  std::chrono::milliseconds ceiling(int attempt) const;
  std::chrono::milliseconds delay(int attempt) const;
};

}  // namespace td
