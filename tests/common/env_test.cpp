#include <doctest/doctest.h>

#include <cstdlib>

#include "common/env.h"

using namespace std::chrono_literals;

TEST_CASE("durations accept units and bare seconds") {
  CHECK(td::env::parse_duration("250ms") == 250ms);
  CHECK(td::env::parse_duration("30") == 30s);
  CHECK(td::env::parse_duration("1.5s") == 1500ms);
  CHECK(td::env::parse_duration("5m") == 5min);
  CHECK(td::env::parse_duration("24h") == 24h);
  CHECK(td::env::parse_duration("2d") == 48h);
  CHECK_THROWS_AS(td::env::parse_duration("soon"), std::invalid_argument);
  CHECK_THROWS_AS(td::env::parse_duration("5 parsecs"), std::invalid_argument);
}

TEST_CASE("bad numbers name the variable") {
  setenv("TD_TEST_NUMBER", "12x", 1);
  try {
    td::env::get_long("TD_TEST_NUMBER", 1);
    FAIL("accepted 12x");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("TD_TEST_NUMBER") != std::string::npos);
  }
  setenv("TD_TEST_NUMBER", "42", 1);
  CHECK(td::env::get_long("TD_TEST_NUMBER", 1) == 42);
  unsetenv("TD_TEST_NUMBER");
  CHECK(td::env::get_long("TD_TEST_NUMBER", 7) == 7);
}

TEST_CASE("durations print in the shortest form that reads back") {
  CHECK(td::env::format_duration(24h) == "1d");
  CHECK(td::env::format_duration(5min) == "5m");
  CHECK(td::env::format_duration(1500ms) == "1500ms");
  CHECK(td::env::format_duration(0ms) == "0ms");
  for (auto d : {250ms, 1500ms, std::chrono::milliseconds(5s), std::chrono::milliseconds(7 * 24h)})
    CHECK(td::env::parse_duration(td::env::format_duration(d)) == d);
}
