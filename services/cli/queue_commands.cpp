// migrate, jobs, retry, cancel.
#include <cstdio>
#include <iostream>

#include <cxxopts.hpp>

#include "catalog/catalog.h"
#include "commands.h"
#include "common/quote.h"
#include "db/connection.h"
#include "db/migrate.h"
#include "queue/queue.h"
#include "store/pauses.h"
#include "store/report.h"
#include "store/tool_versions.h"

namespace td::cli {

namespace {

// Options shared by these commands; returns the parse result or exits on --help.
struct Parsed {
  cxxopts::ParseResult result;
  bool help;
};

cxxopts::Options base_options(const std::string& name, const std::string& what) {
  cxxopts::Options o("tubedigest " + name, what);
  o.add_options()("database-url", "PostgreSQL URL (default: $DATABASE_URL)",
                  cxxopts::value<std::string>()->default_value(""))("h,help", "show this help");
  return o;
}

std::unique_ptr<pqxx::connection> open(const cxxopts::ParseResult& r) {
  auto conn = db::connect(database_url_from(r["database-url"].as<std::string>()));
  catalog::prepare(*conn);
  return conn;
}

int64_t parse_id(const std::string& text) {
  try {
    size_t used = 0;
    long long id = std::stoll(text, &used);
    if (used == text.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument("JOB_ID must be a positive number, got " + quote_input(text));
}

std::string age(double seconds) {
  char buf[32];
  if (seconds < 120) std::snprintf(buf, sizeof buf, "%.0fs", seconds);
  else if (seconds < 7200) std::snprintf(buf, sizeof buf, "%.0fm", seconds / 60);
  else std::snprintf(buf, sizeof buf, "%.1fh", seconds / 3600);
  return buf;
}

int migrate_command(const Args& args) {
  auto o = base_options("migrate", "Apply the database migrations that are missing.");
  auto r = parse_args(o, "migrate", args);
  if (r.count("help")) return std::cout << o.help(), 0;
  auto conn = db::connect(database_url_from(r["database-url"].as<std::string>()));
  auto applied = db::migrate(*conn);
  if (applied.empty()) std::cout << "database is up to date (" << db::embedded_migrations().size() << " migrations)\n";
  for (int v : applied) std::cout << "applied migration " << v << "\n";
  return 0;
}

int jobs_command(const Args& args) {
  auto o = base_options("jobs", "Show jobs per kind and status, and the latest dead jobs.");
  o.add_options()("dead", "how many dead jobs to list", cxxopts::value<int>()->default_value("10"));
  auto r = parse_args(o, "jobs", args);
  if (r.count("help")) return std::cout << o.help(), 0;
  if (r["dead"].as<int>() < 0)
    throw std::invalid_argument("--dead must not be negative, got " + std::to_string(r["dead"].as<int>()));
  auto conn = open(r);
  queue::Queue q;
  pqxx::read_transaction tx(*conn);
  auto stats = q.stats(tx);
  std::printf("%-12s %8s %9s %8s %8s %12s\n", "KIND", "QUEUED", "RETRYING", "RUNNING", "DEAD", "OLDEST WAIT");
  for (const auto& s : stats)
    std::printf("%-12s %8lld %9lld %8lld %8lld %12s\n", s.kind.c_str(), static_cast<long long>(s.queued),
                static_cast<long long>(s.retrying), static_cast<long long>(s.running), static_cast<long long>(s.dead),
                s.queued ? age(s.oldest_queued_age_s).c_str() : "-");
  if (stats.empty()) std::printf("(no pending or dead jobs)\n");
  auto ytdlp = store::tool_versions(tx, "yt-dlp");
  std::printf("\n");
  if (ytdlp.empty()) std::printf("yt-dlp: no ingest process has reported its version\n");
  for (const auto& v : ytdlp) {
    double ago = std::chrono::duration<double>(std::chrono::system_clock::now() - v.checked_at).count();
    std::printf("yt-dlp: %s (%lld ingest process(es), checked %s ago)\n", v.version.c_str(),
                static_cast<long long>(v.processes), age(std::max(0.0, ago)).c_str());
  }
  for (const auto& p : store::active_pauses(tx))
    std::printf("\nPAUSED: %s until %s (%d throttle(s) in a row): %s\n", p.name.c_str(),
                store::iso8601(p.until).c_str(), p.hits, p.reason.c_str());
  auto dead = q.dead_jobs(tx, r["dead"].as<int>());
  if (!dead.empty()) {
    std::printf("\nDEAD JOBS (newest first)\n");
    for (const auto& d : dead) {
      // The reason in a column of its own; the message without it again.
      std::string reason = d.reason.empty() ? "-" : d.reason, message = d.last_error;
      if (!d.reason.empty() && message.rfind(d.reason + ": ", 0) == 0) message = message.substr(d.reason.size() + 2);
      std::printf("  #%lld %s%s%s after %d attempt(s) reason=%s: %s\n", static_cast<long long>(d.id), d.kind.c_str(),
                  d.subject ? " " : "", d.subject ? d.subject->c_str() : "", d.attempts, reason.c_str(),
                  message.c_str());
    }
  }
  return 0;
}

int change_command(const std::string& name, const Args& args) {
  auto o = base_options(name, name == "retry" ? "Queue a dead, failed or cancelled job again now."
                                              : "Cancel a queued, retrying or running job.");
  o.add_options()("job", "job id", cxxopts::value<std::string>());
  o.parse_positional({"job"});
  o.positional_help("JOB_ID");
  // cxxopts would read "-1" as an option named "1".
  for (const auto& a : args)
    if (a.size() > 1 && a[0] == '-' && a[1] >= '0' && a[1] <= '9') parse_id(a);
  auto r = parse_args(o, name, args);
  if (r.count("help")) return std::cout << o.help(), 0;
  if (!r.count("job")) throw std::invalid_argument("missing JOB_ID (see tubedigest " + name + " --help)");
  int64_t id = parse_id(r["job"].as<std::string>());
  auto conn = open(r);
  queue::Queue q;
  pqxx::work tx(*conn);
  bool ok = name == "retry" ? q.retry(tx, id) : q.cancel(tx, id);
  if (!ok) {
    auto status = q.status(tx, id);
    std::cerr << "tubedigest " << name << ": job " << id
              << (status ? " is " + *status + "; nothing to do" : " does not exist") << "\n";
    return 1;
  }
  tx.commit();
  std::cout << "job " << id << (name == "retry" ? " queued again\n" : " cancelled\n");
  return 0;
}

}  // namespace

void register_queue_commands() {
  registry()["migrate"] = {"apply missing database migrations", migrate_command};
  registry()["jobs"] = {"job counts per kind and status, dead jobs with their last error", jobs_command};
  registry()["retry"] = {"queue a dead/failed/cancelled job again",
                         [](const Args& a) { return change_command("retry", a); }};
  registry()["cancel"] = {"cancel a pending job", [](const Args& a) { return change_command("cancel", a); }};
}

}  // namespace td::cli
