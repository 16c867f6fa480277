#include "common/env.h"

#include <cstdlib>
#include <stdexcept>

namespace td::env {

std::optional<std::string> get(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::string get_or(const char* name, const std::string& fallback) {
  return get(name).value_or(fallback);
}

long get_long(const char* name, long fallback) {
  auto v = get(name);
  if (!v) return fallback;
  try {
    size_t used = 0;
    long n = std::stol(*v, &used);
    if (used != v->size()) throw std::invalid_argument("trailing characters");
    return n;
  } catch (const std::exception&) {
    throw std::invalid_argument(std::string(name) + " must be a whole number, got '" + *v + "'");
  }
}

double get_double(const char* name, double fallback) {
  auto v = get(name);
  if (!v) return fallback;
  try {
    size_t used = 0;
    double n = std::stod(*v, &used);
    if (used != v->size()) throw std::invalid_argument("trailing characters");
    return n;
  } catch (const std::exception&) {
    throw std::invalid_argument(std::string(name) + " must be a number, got '" + *v + "'");
  }
}

bool get_bool(const char* name, bool fallback) {
  auto v = get(name);
  if (!v) return fallback;
  if (*v == "1" || *v == "true" || *v == "yes" || *v == "on") return true;
  if (*v == "0" || *v == "false" || *v == "no" || *v == "off") return false;
  throw std::invalid_argument(std::string(name) + " must be true or false, got '" + *v + "'");
}

std::chrono::milliseconds parse_duration(const std::string& text) {
  size_t used = 0;
  double n = 0;
  try {
    n = std::stod(text, &used);
  } catch (const std::exception&) {
    throw std::invalid_argument("not a duration: '" + text + "' (use e.g. 250ms, 30s, 5m, 24h, 2d)");
  }
  if (n < 0) throw std::invalid_argument("negative duration: '" + text + "'");
  std::string unit = text.substr(used);
  double ms;
  if (unit.empty() || unit == "s") ms = n * 1000;
  else if (unit == "ms") ms = n;
  else if (unit == "m" || unit == "min") ms = n * 60'000;
  else if (unit == "h") ms = n * 3'600'000;
  else if (unit == "d") ms = n * 86'400'000;
  else throw std::invalid_argument("unknown duration unit in '" + text + "' (use ms, s, m, h or d)");
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

std::chrono::milliseconds get_duration(const char* name, std::chrono::milliseconds fallback) {
  auto v = get(name);
  if (!v) return fallback;
  try {
    return parse_duration(*v);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string(name) + ": " + e.what());
  }
}

std::string format_duration(std::chrono::milliseconds d) {
  long long ms = d.count();
  const std::pair<long long, const char*> units[] = {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}};
  for (const auto& [size, name] : units)
    if (ms != 0 && ms % size == 0) return std::to_string(ms / size) + name;
  return std::to_string(ms) + "ms";
}

std::string database_url() {
  // An empty conninfo makes libpq read PGHOST, PGPORT, PGUSER, PGDATABASE...
  return get_or("DATABASE_URL", "");
}

}  // namespace td::env
