#include "metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "db/statements.h"

namespace td::metrics {

namespace {

constexpr db::Statement kStatements[] = {
    {"td_metric_increment", R"SQL(
INSERT INTO metric_counters (name, shard, value) VALUES ($1, pg_backend_pid() % 16, $2)
ON CONFLICT (name, shard) DO UPDATE SET value = metric_counters.value + excluded.value)SQL"},
    {"td_metric_observe", R"SQL(
INSERT INTO metric_histograms (name, shard, bucket, count, sum, max) VALUES ($1, pg_backend_pid() % 16, $2, 1, $3, $3)
ON CONFLICT (name, shard, bucket) DO UPDATE
  SET count = metric_histograms.count + 1, sum = metric_histograms.sum + excluded.sum,
      max = greatest(metric_histograms.max, excluded.max))SQL"},
    {"td_metric_gauge", R"SQL(
INSERT INTO metric_gauges (name, owner, value, expires_at) VALUES ($1, $2, $3, now() + $4 * interval '1 second')
ON CONFLICT (name, owner) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at)SQL"},
    {"td_metric_counters", "SELECT name, sum(value)::bigint FROM metric_counters GROUP BY name"},
    {"td_metric_histograms", R"SQL(
SELECT name, bucket, sum(count)::bigint, sum(sum), max(max) FROM metric_histograms GROUP BY name, bucket)SQL"},
    {"td_metric_gauges", R"SQL(
SELECT name, sum(value) FROM metric_gauges WHERE expires_at > now() GROUP BY name)SQL"},
};

}  // namespace

void prepare(pqxx::connection_base& conn) { db::register_statements(conn, kStatements); }

const std::vector<double>& bucket_bounds() {
  static const std::vector<double> bounds = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,  1,
      2.5,   5,      10,    30,   60,    120,  300, 600,  1800, std::numeric_limits<double>::infinity()};
  return bounds;
}

void increment(pqxx::transaction_base& tx, const std::string& name, int64_t delta) {
  tx.exec_prepared("td_metric_increment", name, delta);
}

std::string labelled_name(const std::string& family, const Labels& labels) {
  auto clean = [](const std::string& v) {
    std::string out = v.empty() ? "none" : v;
    for (char& c : out) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                c == ':' || c == '-' || c == '/' || c == '{' || c == '}';
      if (!ok) c = '_';
    }
    return out;
  };
  std::string name = family + "{";
  for (size_t i = 0; i < labels.size(); ++i) name += (i ? "," : "") + labels[i].first + "=" + clean(labels[i].second);
  return name + "}";
}

void increment(pqxx::transaction_base& tx, const std::string& family, const Labels& labels, int64_t delta) {
  increment(tx, labelled_name(family, labels), delta);
}

bool is_labelled(const std::string& stored_name) {
  return !stored_name.empty() && stored_name.back() == '}' && stored_name.find('{') != std::string::npos;
}

std::vector<Snapshot::LabelledCount> Snapshot::labelled(const std::string& family) const {
  std::vector<LabelledCount> out;
  const std::string prefix = family + "{";
  for (auto it = counters.lower_bound(prefix); it != counters.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    if (!is_labelled(it->first)) continue;
    LabelledCount c;
    c.value = it->second;
    std::string body = it->first.substr(prefix.size(), it->first.size() - prefix.size() - 1);
    size_t start = 0;
    while (start < body.size()) {
      size_t comma = body.find(',', start);
      if (comma == std::string::npos) comma = body.size();
      std::string kv = body.substr(start, comma - start);
      size_t eq = kv.find('=');
      if (eq != std::string::npos) c.labels.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      start = comma + 1;
    }
    out.push_back(std::move(c));
  }
  return out;
}

void observe(pqxx::transaction_base& tx, const std::string& name, double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also maps NaN to 0
  const auto& b = bucket_bounds();
  int bucket = static_cast<int>(std::lower_bound(b.begin(), b.end(), seconds) - b.begin());
  tx.exec_prepared("td_metric_observe", name, bucket, seconds);
}

void set_gauge(pqxx::transaction_base& tx, const std::string& name, const std::string& owner, double value,
               std::chrono::seconds ttl) {
  tx.exec_prepared("td_metric_gauge", name, owner, value, static_cast<int64_t>(ttl.count()));
}

double Histogram::quantile(double q) const {
  if (count == 0) return 0;
  const auto& b = bucket_bounds();
  double rank = q * static_cast<double>(count);
  int64_t seen = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    if (static_cast<double>(seen + counts[i]) >= rank) {
      double lo = i == 0 ? 0 : b[i - 1];
      double hi = std::isinf(b[i]) ? max : b[i];
      double within = (rank - static_cast<double>(seen)) / static_cast<double>(counts[i]);
      return std::min(max, lo + (hi - lo) * std::clamp(within, 0.0, 1.0));
    }
    seen += counts[i];
  }
  return max;
}

Snapshot snapshot(pqxx::transaction_base& tx) {
  Snapshot s;
  for (const auto& r : tx.exec_prepared("td_metric_counters")) s.counters[r[0].as<std::string>()] = r[1].as<int64_t>();
  const size_t n = bucket_bounds().size();
  for (const auto& r : tx.exec_prepared("td_metric_histograms")) {
    auto& h = s.histograms[r[0].as<std::string>()];
    if (h.counts.empty()) h.counts.assign(n, 0);
    auto bucket = r[1].as<size_t>();
    auto c = r[2].as<int64_t>();
    if (bucket < n) h.counts[bucket] += c;
    h.count += c;
    h.sum += r[3].as<double>();
    h.max = std::max(h.max, r[4].as<double>());
  }
  for (const auto& r : tx.exec_prepared("td_metric_gauges")) s.gauges[r[0].as<std::string>()] = r[1].as<double>();
  return s;
}

}  // namespace td::metrics
