#include <doctest/doctest.h>

#include <sstream>

#include "httpserve/prometheus.h"

using td::httpserve::PrometheusWriter;

TEST_CASE("prometheus text 0.0.4: HELP/TYPE once per family, _total counters, labels escaped") {
  PrometheusWriter w("tubedigest_");
  w.counter("jobs", "Jobs finished.", 3, {{"kind", "ingest"}, {"outcome", "success"}});
  w.counter("jobs", "Jobs finished.", 1, {{"kind", "ingest"}, {"outcome", "failure"}});
  w.gauge("sse_clients_current", "Open SSE streams.", 42);
  w.counter("odd_total", "Help with \\ and\nnewline.", 0.5, {{"v", "a\"b\\c\nd"}});
  auto text = w.str();
  CHECK(text ==
        "# HELP tubedigest_jobs_total Jobs finished.\n"
        "# TYPE tubedigest_jobs_total counter\n"
        "tubedigest_jobs_total{kind=\"ingest\",outcome=\"success\"} 3\n"
        "tubedigest_jobs_total{kind=\"ingest\",outcome=\"failure\"} 1\n"
        "# HELP tubedigest_sse_clients_current Open SSE streams.\n"
        "# TYPE tubedigest_sse_clients_current gauge\n"
        "tubedigest_sse_clients_current 42\n"
        "# HELP tubedigest_odd_total Help with \\\\ and\\nnewline.\n"
        "# TYPE tubedigest_odd_total counter\n"
        "tubedigest_odd_total{v=\"a\\\"b\\\\c\\nd\"} 0.5\n");
}

TEST_CASE("histograms: cumulative buckets, +Inf, _sum and _count") {
  PrometheusWriter w("tubedigest_");
  w.histogram("stage_duration_seconds", "Stage time.", {0.1, 1, 10}, {2, 5, 7}, 12.25, 8, {{"stage", "tts"}});
  std::istringstream in(w.str());
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  REQUIRE(lines.size() == 8);
  CHECK(lines[1] == "# TYPE tubedigest_stage_duration_seconds histogram");
  CHECK(lines[2] == "tubedigest_stage_duration_seconds_bucket{stage=\"tts\",le=\"0.1\"} 2");
  CHECK(lines[4] == "tubedigest_stage_duration_seconds_bucket{stage=\"tts\",le=\"10\"} 7");
  CHECK(lines[5] == "tubedigest_stage_duration_seconds_bucket{stage=\"tts\",le=\"+Inf\"} 8");
  CHECK(lines[6] == "tubedigest_stage_duration_seconds_sum{stage=\"tts\"} 12.25");
  CHECK(lines[7] == "tubedigest_stage_duration_seconds_count{stage=\"tts\"} 8");
  CHECK_THROWS_AS(w.histogram("h", "x", {1, 0.5}, {1, 2}, 0, 2), std::invalid_argument);
  CHECK_THROWS_AS(w.histogram("h2", "x", {1}, {1}, 0, 2, {{"le", "1"}}), std::invalid_argument);
}

TEST_CASE("bad names throw and type clashes are refused") {
  PrometheusWriter w;
  CHECK_THROWS_AS(w.gauge("1bad", "x", 1), std::invalid_argument);
  CHECK_THROWS_AS(w.gauge("ok", "x", 1, {{"bad-label", "v"}}), std::invalid_argument);
  w.gauge("g", "x", 1);
  w.counter("c", "x", 1);
  CHECK_THROWS_AS(w.gauge("c_total", "x", 1), std::invalid_argument);
  CHECK(PrometheusWriter::format_value(0.1) == "0.1");
  CHECK(PrometheusWriter::format_value(1e20) == "1e+20");
}
