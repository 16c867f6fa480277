// Clock: the one seam through which code reads the time, so tests can move it.
#pragma once

#include <atomic>
#include <chrono>

namespace td {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using duration = std::chrono::system_clock::duration;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to (tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point{} + std::chrono::hours(24 * 365 * 50))
      : t_(start.time_since_epoch().count()) {}
  time_point now() const override { return time_point(time_point::duration(t_.load())); }
  void advance(std::chrono::system_clock::duration d) { t_ += d.count(); }
  void set(time_point t) { t_ = t.time_since_epoch().count(); }

 private:
  std::atomic<time_point::rep> t_;
};

// Epoch seconds (as SQL's extract(epoch FROM t) returns them) to a time point.
inline Clock::time_point from_epoch(double seconds) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
}

}  // namespace td
