#include "youtube/iso_duration.h"

#include <cctype>

namespace td::youtube {

std::optional<int64_t> parse_iso_duration(std::string_view s) {
  if (s.size() < 3 || s[0] != 'P') return std::nullopt;
  size_t i = 1;
  bool in_time = false, any = false;
  int64_t total = 0;
  // Units must appear in this order; each at most once.
  size_t next_unit = 0;
  while (i < s.size()) {
    if (s[i] == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      ++i;
      if (i == s.size()) return std::nullopt;  // "P1DT" has no time part
      continue;
    }
    int64_t value = 0;
    size_t digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (++digits > 12) return std::nullopt;
      value = value * 10 + (s[i++] - '0');
    }
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {  // fractional seconds: "PT1.5S"
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (i >= s.size() || s[i] != 'S') return std::nullopt;
    }
    if (digits == 0 || i >= s.size()) return std::nullopt;
    char unit = s[i++];
    int64_t scale;
    size_t pos;
    if (!in_time && unit == 'W') {
      scale = 7 * 86400;
      pos = 0;
    } else if (!in_time && unit == 'D') {
      scale = 86400;
      pos = 1;
    } else if (in_time && unit == 'H') {
      scale = 3600;
      pos = 2;
    } else if (in_time && unit == 'M') {
      scale = 60;
      pos = 3;
    } else if (in_time && unit == 'S') {
      scale = 1;
      pos = 4;
    } else return std::nullopt;
    if (pos < next_unit) return std::nullopt;
    next_unit = pos + 1;
    total += value * scale;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

}  // namespace td::youtube
