#include <doctest/doctest.h>

#include "common/backoff.h"

using namespace std::chrono_literals;

TEST_CASE("backoff doubles, caps, and jitters downwards only") {
  td::Backoff b{1000ms, 10000ms, 0.25};
  CHECK(b.ceiling(1) == 1000ms);
  CHECK(b.ceiling(2) == 2000ms);
  CHECK(b.ceiling(4) == 8000ms);
  CHECK(b.ceiling(5) == 10000ms);
  CHECK(b.ceiling(60) == 10000ms);
  for (int i = 0; i < 200; ++i) {
    auto d = b.delay(3);
    CHECK(d <= 4000ms);
    CHECK(d >= 3000ms);
  }
}
