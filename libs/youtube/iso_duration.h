// ISO-8601 durations as the YouTube Data API writes them: "PT1H2M3S",
// "P1DT2H", "PT0S" (live streams), "P0D". Weeks ("P1W") are accepted; years
// and months are not (YouTube never sends them and they have no fixed length).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace td::youtube {

// Whole seconds (fractions rounded down), or nullopt when `text` is not such a duration.
std::optional<int64_t> parse_iso_duration(std::string_view text);

}  // namespace td::youtube
