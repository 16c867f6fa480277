// An alert as the rules produce it and the state table keeps it: a name and
// labels that together identify it (alertnames and labels are a contract with receivers),
// and annotations that describe the current incident (they may change while
// it fires without making it a new alert).
#pragma once

#include <map>
#include <string>

namespace td::alerts {

using Labels = std::map<std::string, std::string>;  // sorted: the fingerprint depends on the order

struct Alert {
  std::string alertname;
  Labels labels;
  Labels annotations;
};

// A stable identity: the first 16 hex digits of SHA-256 over alertname and
// the sorted labels (NUL-separated, so "a=b" + "c" and "a" + "b=c" differ).
// Same name and labels on any host, in any process, after any restart.
std::string fingerprint(const Alert& alert);

}  // namespace td::alerts
