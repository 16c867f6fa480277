#include "common/env.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace td::env {

std::optional<std::string> get(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::string get_or(const char* name, const std::string& fallback) { return get(name).value_or(fallback); }

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
    if (used != v->size() || !std::isfinite(n)) throw std::invalid_argument("trailing characters");
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

namespace {

const char* const kDurationHelp = "use e.g. 250ms, 30s, 5m, 24h, 2d";

// The number of milliseconds one `unit` stands for, or 0 when it is not a unit.
double unit_ms(const std::string& unit, std::chrono::milliseconds bare) {
  if (unit.empty()) return static_cast<double>(bare.count());
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m" || unit == "min") return 60'000;
  if (unit == "h") return 3'600'000;
  if (unit == "d") return 86'400'000;
  return 0;
}

}  // namespace

std::chrono::milliseconds parse_duration(const std::string& text, std::chrono::milliseconds bare_unit) {
  // Plain decimal digits only: std::stod would also take "inf", "nan",
  // "1e300", hex floats and leading blanks, and a cast of a huge double to
  // an integer is undefined (it came out as "time already up").
  if (!text.empty() && text[0] == '-') throw std::invalid_argument("negative duration: '" + text + "'");
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  const size_t int_digits = i;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const size_t frac_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == frac_start) i = 0;  // "5." is not a number
  }
  if (int_digits == 0 || i == 0) throw std::invalid_argument("not a duration: '" + text + "' (" + kDurationHelp + ")");
  const std::string unit = text.substr(i);
  const double per_unit = unit_ms(unit, bare_unit);
  if (per_unit == 0 && (unit[0] == 'e' || unit[0] == 'E'))
    throw std::invalid_argument("no exponents in durations: '" + text + "' (" + kDurationHelp + ")");
  if (per_unit == 0) throw std::invalid_argument("unknown duration unit in '" + text + "' (use ms, s, m, h or d)");
  // More than 15 integer digits is out of range in any unit; below that the
  // double holds the value well enough for the range check.
  const double ms = int_digits > 15 ? kMaxDuration.count() * 2.0 : std::stod(text.substr(0, i)) * per_unit;
  if (ms > static_cast<double>(kMaxDuration.count()))
    throw std::invalid_argument("duration '" + text + "' is out of range (at most " + format_duration(kMaxDuration) +
                                ")");
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

std::chrono::milliseconds get_duration(const char* name, std::chrono::milliseconds fallback,
                                       std::chrono::milliseconds bare_unit) {
  auto v = get(name);
  if (!v) return fallback;
  try {
    return parse_duration(*v, bare_unit);
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
