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

TEST_CASE("durations out of range or not plain decimals are refused with a clear message") {
  auto message = [](const std::string& text) {
    try {
      td::env::parse_duration(text);
      return std::string("accepted");
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
  };
  for (const char* bad : {"99999999999999999999h", "1e300s", "1e3", "inf", "nan", "-5s", "-0", "+5s", " 5s", "5.s",
                          ".5s", "0x10", "3651d", "87601h", "9223372036854775807ms", "", "s", "5 s", "5ss"}) {
    CAPTURE(bad);
    CHECK(message(bad) != "accepted");
  }
  CHECK(message("99999999999999999999h").find("out of range (at most 3650d)") != std::string::npos);
  CHECK(message("3651d").find("out of range") != std::string::npos);
  CHECK(message("1e300s").find("no exponents") != std::string::npos);
  CHECK(message("inf").find("not a duration") != std::string::npos);
  CHECK(message("-5s").find("negative") != std::string::npos);
  // The edges themselves are accepted.
  CHECK(td::env::parse_duration("3650d") == td::env::kMaxDuration);
  CHECK(td::env::parse_duration("87600h") == td::env::kMaxDuration);
  CHECK(td::env::parse_duration("0") == 0ms);
  CHECK(td::env::parse_duration("0.5ms") == 0ms);
  CHECK(td::env::parse_duration("0.25s") == 250ms);
  // A bare number in another unit, for settings named in it (SSE_BATCH_MS).
  CHECK(td::env::parse_duration("250", 1ms) == 250ms);
  CHECK(td::env::parse_duration("2s", 1ms) == 2s);
  setenv("TD_TEST_DURATION", "1e300s", 1);
  try {
    td::env::get_duration("TD_TEST_DURATION", 1s);
    FAIL("accepted 1e300s");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).rfind("TD_TEST_DURATION: ", 0) == 0);
  }
  unsetenv("TD_TEST_DURATION");
}

TEST_CASE("get_double refuses inf and nan") {
  for (const char* v : {"inf", "nan", "-inf", "1e400"}) {
    CAPTURE(v);
    setenv("TD_TEST_NUMBER", v, 1);
    CHECK_THROWS_AS(td::env::get_double("TD_TEST_NUMBER", 1), std::invalid_argument);
  }
  unsetenv("TD_TEST_NUMBER");
}
