// Prometheus text exposition format 0.0.4 (what GET /metrics answers).
//
// Samples are grouped per metric family so each family gets one HELP and one
// TYPE line however many label sets it has, in the order families were first
// added. Counter names get `_total` appended when missing; histograms are
// written as cumulative `_bucket{le="..."}` lines ending with le="+Inf", then
// `_sum` and `_count`. Label values are escaped (\\, \", \n), HELP text too
// (\\, \n). Invalid metric or label names throw std::invalid_argument: they
// are programming errors, never client input.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace td::httpserve {

using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusWriter {
 public:
  // prefix is prepended to every metric name (e.g. "tubedigest_").
  explicit PrometheusWriter(std::string prefix = "") : prefix_(std::move(prefix)) {}

  void counter(const std::string& name, const std::string& help, double value, const Labels& labels = {});
  void gauge(const std::string& name, const std::string& help, double value, const Labels& labels = {});
  // upper_bounds ascending, bucket_counts[i] = observations <= upper_bounds[i]
  // (cumulative), count = all observations (the +Inf bucket).
  void histogram(const std::string& name, const std::string& help, const std::vector<double>& upper_bounds,
                 const std::vector<uint64_t>& bucket_counts, double sum, uint64_t count, const Labels& labels = {});

  // A gauge family that is listed (HELP and TYPE) even when no sample
  // follows, so a scraper sees it exists while it has nothing to report.
  void declare_gauge(const std::string& name, const std::string& help);

  std::string str() const;

  // A name that may be a label: [A-Za-z_][A-Za-z0-9_]*, not starting with "__".
  static bool valid_label_name(const std::string& name);
  static std::string escape_label_value(const std::string& v);
  static std::string format_value(double v);
  static const char* content_type() { return "text/plain; version=0.0.4; charset=utf-8"; }

 private:
  struct Family {
    std::string type, help;
    std::vector<std::string> lines;
  };
  Family& family(const std::string& name, const std::string& type, const std::string& help);
  static std::string render_labels(const Labels& labels, const std::string& extra_key = "",
                                   const std::string& extra_value = "");

  std::string prefix_;
  std::vector<std::string> order_;
  std::map<std::string, Family> families_;
};

}  // namespace td::httpserve
