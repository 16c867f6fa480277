#include "httpserve/prometheus.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace td::httpserve {

namespace {
bool valid_name(const std::string& n, bool allow_colon) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string escape_help(const std::string& h) {
  std::string out;
  for (char c : h) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

bool PrometheusWriter::valid_label_name(const std::string& name) {
  return valid_name(name, false) && name.rfind("__", 0) != 0;
}

std::string PrometheusWriter::escape_label_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string PrometheusWriter::format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
    // %.17g prints 0.1 as 0.10000000000000001; take the shortest that round-trips.
    for (int p = 1; p <= 17; ++p) {
      char shorter[64];
      std::snprintf(shorter, sizeof shorter, "%.*g", p, v);
      if (std::strtod(shorter, nullptr) == v) {
        return shorter;
      }
    }
  }
  return buf;
}

std::string PrometheusWriter::render_labels(const Labels& labels, const std::string& extra_key,
                                            const std::string& extra_value) {
  if (labels.empty() && extra_key.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!valid_label_name(k)) throw std::invalid_argument("bad label name: " + k);
    if (!first) out += ",";
    out += k + "=\"" + escape_label_value(v) + "\"";
    first = false;
  }
  if (!extra_key.empty()) {
    if (!first) out += ",";
    out += extra_key + "=\"" + escape_label_value(extra_value) + "\"";
  }
  return out + "}";
}

PrometheusWriter::Family& PrometheusWriter::family(const std::string& name, const std::string& type,
                                                   const std::string& help) {
  if (!valid_name(name, true)) throw std::invalid_argument("bad metric name: " + name);
  auto it = families_.find(name);
  if (it == families_.end()) {
    order_.push_back(name);
    it = families_.emplace(name, Family{type, help, {}}).first;
  } else if (it->second.type != type) {
    throw std::invalid_argument("metric " + name + " registered as " + it->second.type + " and " + type);
  }
  return it->second;
}

void PrometheusWriter::counter(const std::string& name, const std::string& help, double value, const Labels& labels) {
  std::string full = prefix_ + name;
  if (!ends_with(full, "_total")) full += "_total";
  family(full, "counter", help).lines.push_back(full + render_labels(labels) + " " + format_value(value));
}

void PrometheusWriter::gauge(const std::string& name, const std::string& help, double value, const Labels& labels) {
  std::string full = prefix_ + name;
  family(full, "gauge", help).lines.push_back(full + render_labels(labels) + " " + format_value(value));
}

void PrometheusWriter::declare_gauge(const std::string& name, const std::string& help) {
  family(prefix_ + name, "gauge", help);
}

void PrometheusWriter::histogram(const std::string& name, const std::string& help,
                                 const std::vector<double>& upper_bounds, const std::vector<uint64_t>& bucket_counts,
                                 double sum, uint64_t count, const Labels& labels) {
  if (upper_bounds.size() != bucket_counts.size()) {
    throw std::invalid_argument("histogram " + name + ": bounds and counts differ in length");
  }
  for (const auto& [k, v] : labels) {
    if (k == "le") throw std::invalid_argument("histogram " + name + ": label le is reserved");
  }
  std::string full = prefix_ + name;
  auto& f = family(full, "histogram", help);
  for (size_t i = 0; i < upper_bounds.size(); ++i) {
    if (i > 0 && upper_bounds[i] <= upper_bounds[i - 1]) {
      throw std::invalid_argument("histogram " + name + ": bounds must ascend");
    }
    f.lines.push_back(full + "_bucket" + render_labels(labels, "le", format_value(upper_bounds[i])) + " " +
                      format_value(static_cast<double>(bucket_counts[i])));
  }
  f.lines.push_back(full + "_bucket" + render_labels(labels, "le", "+Inf") + " " +
                    format_value(static_cast<double>(count)));
  f.lines.push_back(full + "_sum" + render_labels(labels) + " " + format_value(sum));
  f.lines.push_back(full + "_count" + render_labels(labels) + " " + format_value(static_cast<double>(count)));
}

std::string PrometheusWriter::str() const {
  std::string out;
  for (const auto& name : order_) {
    const auto& f = families_.at(name);
    out += "# HELP " + name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& l : f.lines) out += l + "\n";
  }
  return out;
}

}  // namespace td::httpserve
