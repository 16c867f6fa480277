// Counters, latency histograms and gauges shared by every replica of every
// service, stored in Postgres (schema/003_metrics.sql) so they are exact
// across processes and survive restarts.
//
// Writes go into the caller's transaction: a counter moves only if the work
// it counts commits. Each connection writes to its own shard row (backend
// pid mod 16), so concurrent writers do not queue on one hot row; reads sum
// the shards.
#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace td::metrics {

void prepare(pqxx::connection_base& conn);

void increment(pqxx::transaction_base& tx, const std::string& name, int64_t delta = 1);

// Counters with labels (e.g. summary_fallbacks by from, to, reason) are
// stored as ordinary counters under one composed name,
// "family{k1=v1,k2=v2}", so they need no table of their own and stay exact
// across replicas like the rest. Label values are reduced to
// [A-Za-z0-9_.:/{}-] (anything else becomes '_'; '/', '{' and '}' let a
// route template such as /api/reports/{id} be a value) so the name parses
// back unambiguously: ',' and '=' never occur in a value, and the name ends
// at its last '}'. Values come from our own reason codes and route
// templates, never from client input.
using Labels = std::vector<std::pair<std::string, std::string>>;
std::string labelled_name(const std::string& family, const Labels& labels);
void increment(pqxx::transaction_base& tx, const std::string& family, const Labels& labels, int64_t delta = 1);
// True for a name labelled_name() composed; such names are not metric names.
bool is_labelled(const std::string& stored_name);

// Records one duration (seconds) into the histogram `name`.
void observe(pqxx::transaction_base& tx, const std::string& name, double seconds);

// Sets this owner's value of a gauge; it counts until `ttl` passes without
// another set (a replica that died stops counting).
void set_gauge(pqxx::transaction_base& tx, const std::string& name, const std::string& owner, double value,
               std::chrono::seconds ttl);

// Upper bounds of the histogram buckets in seconds; the last is +infinity.
const std::vector<double>& bucket_bounds();

struct Histogram {
  std::vector<int64_t> counts;  // per bucket, same order as bucket_bounds()
  int64_t count = 0;
  double sum = 0;
  double max = 0;
  // Estimated by linear interpolation inside the bucket, capped at max.
  double quantile(double q) const;
};

struct Snapshot {
  std::map<std::string, int64_t> counters;
  std::map<std::string, Histogram> histograms;
  std::map<std::string, double> gauges;
  int64_t counter(const std::string& name) const {
    auto it = counters.find(name);
    return it == counters.end() ? 0 : it->second;
  }
  struct LabelledCount {
    Labels labels;  // in the order they were incremented with
    int64_t value = 0;
  };
  // Every stored label set of `family`, ordered by its composed name.
  std::vector<LabelledCount> labelled(const std::string& family) const;
};

Snapshot snapshot(pqxx::transaction_base& tx);

}  // namespace td::metrics
