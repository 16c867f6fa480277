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
// Throws std::invalid_argument naming the variable when the value is not a
// number (or, for get_double, not finite).
long get_long(const char* name, long fallback);
double get_double(const char* name, double fallback);
bool get_bool(const char* name, bool fallback);

// The longest duration any setting or flag takes (3650 days): far beyond any
// sensible timeout or retention, and small enough that now() + it cannot
// overflow a clock.
inline constexpr std::chrono::milliseconds kMaxDuration{3650LL * 86'400'000};

// Durations: "250ms", "30s", "1.5m", "24h", "2d", or a bare number of
// `bare_unit`s (seconds unless the setting's name says otherwise, as
// SSE_BATCH_MS does). The one parser of every duration flag and setting:
// throws std::invalid_argument with a clear message for anything else
// (negative, "inf", "nan", "1e300s", an unknown unit) and for more than
// kMaxDuration. Below a millisecond is cut to whole milliseconds.
std::chrono::milliseconds parse_duration(const std::string& text,
                                         std::chrono::milliseconds bare_unit = std::chrono::seconds(1));
// The variable parsed as above; its name leads the message.
std::chrono::milliseconds get_duration(const char* name, std::chrono::milliseconds fallback,
                                       std::chrono::milliseconds bare_unit = std::chrono::seconds(1));
// The shortest exact form parse_duration reads back: "7d", "24h", "5s", "250ms".
std::string format_duration(std::chrono::milliseconds d);

// DATABASE_URL, falling back to libpq's own PG* variables when unset.
std::string database_url();

}  // namespace td::env
