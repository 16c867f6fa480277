#include "common/backoff.h"

#include <algorithm>
#include <random>

namespace td {

std::chrono::milliseconds Backoff::ceiling(int attempt) const {
  attempt = std::max(attempt, 1);
  double ms = static_cast<double>(base.count());
  for (int i = 1; i < attempt && ms < cap.count(); ++i) ms *= 2;
  return std::chrono::milliseconds(static_cast<long long>(std::min<double>(ms, cap.count())));
}

std::chrono::milliseconds Backoff::delay(int attempt) const {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  auto top = ceiling(attempt);
  double j = std::clamp(jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> factor(1.0 - j, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(top.count() * factor(rng)));
}

}  // namespace td
