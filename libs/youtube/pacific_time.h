// The YouTube Data API quota resets at midnight Pacific time. Debian 12's
// libstdc++ has no std::chrono time zones, so US Pacific rules are written
// out: PDT (UTC-7) from the second Sunday of March 02:00 to the first Sunday
// of November 02:00 local, PST (UTC-8) otherwise (rules since 2007).
#pragma once

#include <chrono>

namespace td::youtube {

// The first instant after `now` at which it is 00:00 in Los Angeles.
std::chrono::system_clock::time_point next_pacific_midnight(std::chrono::system_clock::time_point now);

}  // namespace td::youtube
