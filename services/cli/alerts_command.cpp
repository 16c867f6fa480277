// alerts: GET /api/alerts from the command line: what fires, what resolved
// lately, and which process evaluates the rules.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include <cxxopts.hpp>

#include "alerts/listing.h"
#include "commands.h"
#include "common/env.h"

namespace td::cli {

namespace {

// "QueueStalled{kind=ingest}": the alert's identity as one word.
std::string alert_title(const alerts::Alert& a) {
  std::string out = a.alertname;
  if (a.labels.empty()) return out;
  out += "{";
  bool first = true;
  for (const auto& [k, v] : a.labels) {
    out += (first ? "" : ",") + k + "=" + v;
    first = false;
  }
  return out + "}";
}

// A relative age as people read it: 45s, 12m, 3h, 2d.
std::string ago(Clock::time_point then, Clock::time_point now) {
  const auto s = std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(now - then).count());
  char buf[32];
  if (s < 120) std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  else if (s < 2 * 3600) std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(s / 60));
  else if (s < 2 * 86400) std::snprintf(buf, sizeof buf, "%lldh", static_cast<long long>(s / 3600));
  else std::snprintf(buf, sizeof buf, "%lldd", static_cast<long long>(s / 86400));
  return buf;
}

void print_table(const alerts::Listing& listing) {
  if (listing.alerts.empty()) {
    std::printf("no alerts firing or resolved lately\n");
  } else {
    size_t width = std::string("ALERT").size();
    for (const auto& a : listing.alerts) width = std::max(width, alert_title(a.alert).size());
    const int w = static_cast<int>(width);
    std::printf("%-8s  %-*s  %-6s  %s\n", "STATUS", w, "ALERT", "SINCE", "SUMMARY");
    for (const auto& a : listing.alerts) {
      // Firing: since it started; resolved: since it ended.
      const auto since = a.status == "resolved" && a.ends_at ? *a.ends_at : a.starts_at;
      auto summary = a.alert.annotations.find("summary");
      std::printf("%-8s  %-*s  %-6s  %s\n", a.status.c_str(), w, alert_title(a.alert).c_str(),
                  ago(since, listing.generated_at).c_str(),
                  summary == a.alert.annotations.end() ? "" : summary->second.c_str());
    }
  }
  std::printf("\n");
  if (listing.evaluator) std::printf("evaluated by %s\n", listing.evaluator->c_str());
  else std::printf("no evaluator running\n");
}

int alerts_command(const Args& args) {
  cxxopts::Options o("tubedigest alerts",
                     "Show firing alerts and those resolved lately (firing first), and which process evaluates the\n"
                     "rules, as GET /api/alerts does.");
  o.add_options()("database-url", "PostgreSQL URL (default: $DATABASE_URL)",
                  cxxopts::value<std::string>()->default_value(""))(
      "resolved-within", "list resolved alerts this recent (a duration: 30m, 24h, 7d)",
      cxxopts::value<std::string>()->default_value("24h"))("json", "print the answer of GET /api/alerts")(
      "h,help", "show this help");
  auto r = parse_args(o, "alerts", args);
  if (r.count("help")) return std::cout << o.help(), 0;
  std::chrono::seconds within;
  try {
    within =
        std::chrono::duration_cast<std::chrono::seconds>(env::parse_duration(r["resolved-within"].as<std::string>()));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--resolved-within: ") + e.what());
  }
  auto conn = open_store(r["database-url"].as<std::string>());
  alerts::Listing listing;
  {
    pqxx::read_transaction tx(*conn);
    listing = alerts::load_listing(tx, within);
  }
  if (r.count("json")) {
    std::cout << alerts::to_json(listing).dump(2) << "\n";
    return 0;
  }
  print_table(listing);
  return 0;
}

}  // namespace

void register_alerts_command() {
  registry()["alerts"] = {"firing alerts and those resolved lately, and who evaluates them", alerts_command};
}

}  // namespace td::cli
