#include "alerts/alert.h"

#include "common/hash.h"

namespace td::alerts {

std::string fingerprint(const Alert& alert) {
  std::string key = alert.alertname;
  key += '\0';
  for (const auto& [k, v] : alert.labels) {
    key += k;
    key += '\0';
    key += v;
    key += '\0';
  }
  return sha256_hex(key).substr(0, 16);
}

}  // namespace td::alerts
