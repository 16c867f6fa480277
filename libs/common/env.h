// Reading configuration from the environment (12-factor). Flags parsed with
// cxxopts take precedence; these give their defaults.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace td::env {

// The variable's value, or nullopt when unset or empty.
std::optional<std::string> get(const char* name);
std::string get_or(const char* name, const std::string& fallback);
// Throws std::invalid_argument naming the variable when the value is not a number.
long get_long(const char* name, long fallback);
double get_double(const char* name, double fallback);
bool get_bool(const char* name, bool fallback);

// Durations: "250ms", "30s", "5m", "24h", "2d", or a bare number of seconds.
std::chrono::milliseconds parse_duration(const std::string& text);
std::chrono::milliseconds get_duration(const char* name, std::chrono::milliseconds fallback);
// The shortest exact form parse_duration reads back: "7d", "24h", "5s", "250ms".
std::string format_duration(std::chrono::milliseconds d);

// DATABASE_URL, falling back to libpq's own PG* variables when unset.
std::string database_url();

}  // namespace td::env
