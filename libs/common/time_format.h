// Times as people and JSON clients read them.
#pragma once

#include <chrono>
#include <string>

namespace td {

// "2026-11-26T12:00:00.123Z": UTC, millisecond precision (reports, events,
// log lines, error messages).
std::string iso8601(std::chrono::system_clock::time_point t);

}  // namespace td
