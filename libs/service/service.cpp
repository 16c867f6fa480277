#include "service/service.h"

#include <atomic>
#include <cctype>
#include <iostream>

#include "alerts/runtime.h"
#include "catalog/catalog.h"
#include "common/env.h"
#include "common/log.h"
#include "common/program.h"
#include "common/signals.h"
#include "db/migrate.h"

namespace td::service {

Spec Spec::for_stage(const std::string& kind, int default_concurrency) {
  Spec spec;
  spec.name = kind;
  spec.kind = kind;
  spec.env_prefix = kind;
  for (auto& c : spec.env_prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  spec.default_concurrency = default_concurrency;
  return spec;
}

int run(const Spec& spec, int argc, char** argv) {
  log::init(spec.name);
  block_termination_signals();
  using std::chrono::milliseconds;
  auto ms_default = [](const char* var, milliseconds fallback) {
    return env::format_duration(env::get_duration(var, fallback));
  };
  return run_main("tubedigest-" + spec.name, [&]() -> int {
    cxxopts::Options o("tubedigest-" + spec.name, "tubedigest " + spec.name + " worker");
    o.add_options()("database-url", "PostgreSQL URL (DATABASE_URL)",
                    cxxopts::value<std::string>()->default_value(env::database_url()))(
        "concurrency", "handler threads (" + spec.env_prefix + "_CONCURRENCY)",
        cxxopts::value<int>()->default_value(
            std::to_string(env::get_long((spec.env_prefix + "_CONCURRENCY").c_str(), spec.default_concurrency))))(
        "poll-interval", "poll when no NOTIFY arrives (WORKER_POLL_INTERVAL)",
        cxxopts::value<std::string>()->default_value(ms_default("WORKER_POLL_INTERVAL", std::chrono::seconds(5))))(
        "lease", "job lease (WORKER_LEASE)",
        cxxopts::value<std::string>()->default_value(ms_default("WORKER_LEASE", std::chrono::seconds(60))))(
        "shutdown-timeout", "grace for jobs in flight at shutdown (WORKER_SHUTDOWN_TIMEOUT)",
        cxxopts::value<std::string>()->default_value(ms_default("WORKER_SHUTDOWN_TIMEOUT", std::chrono::seconds(20))))(
        "job-retention", "finished jobs kept (JOB_RETENTION)",
        cxxopts::value<std::string>()->default_value(ms_default("JOB_RETENTION", std::chrono::hours(24))))(
        "event-retention", "outbox events kept (EVENT_RETENTION)",
        cxxopts::value<std::string>()->default_value(ms_default("EVENT_RETENTION", std::chrono::hours(24 * 7))))(
        "no-migrate", "do not apply migrations at start")("h,help", "show this help");
    if (spec.extra_options) spec.extra_options(o);
    auto r = o.parse(argc, argv);
    if (r.count("help")) {
      std::cout << o.help();
      return 0;
    }
    // Every duration flag through the one parser; its name leads the message.
    auto flag_duration = [&r](const char* flag) {
      try {
        return env::parse_duration(r[flag].as<std::string>());
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("--") + flag + ": " + e.what());
      }
    };
    worker::Options opt;
    opt.database_url = r["database-url"].as<std::string>();
    opt.kinds = {spec.kind};
    opt.worker_id = worker::default_worker_id(spec.name);
    opt.concurrency = r["concurrency"].as<int>();
    opt.poll_interval = flag_duration("poll-interval");
    opt.lease = flag_duration("lease");
    opt.heartbeat_interval = opt.lease / 4;
    opt.shutdown_deadline = flag_duration("shutdown-timeout");
    opt.retention.finished = std::chrono::duration_cast<std::chrono::seconds>(flag_duration("job-retention"));
    opt.event_retention = std::chrono::duration_cast<std::chrono::seconds>(flag_duration("event-retention"));
    if (opt.concurrency < 1) throw std::invalid_argument("--concurrency must be at least 1");
    if (opt.lease < std::chrono::seconds(2)) throw std::invalid_argument("--lease must be at least 2s");

    auto alerting_settings = alerts::Settings::from_env();  // a malformed ALERT_* stops the service here

    if (!r.count("no-migrate")) db::migrate_with_retry(opt.database_url, std::chrono::minutes(5));
    opt.prepare = catalog::prepare;  // every statement of the system, the handler's among them
    auto handler = spec.make_handler(r, opt);
    worker::Worker w(opt, handler);
    std::atomic<int> signals{0};
    on_termination_signal([&](int sig) {
      if (++signals > 1) {
        spdlog::warn("second signal {}: exiting now; jobs in flight will be rescued when their lease expires", sig);
        std::_Exit(130);
      }
      spdlog::info("signal {}: shutting down", sig);
      w.stop();
    });
    alerts::Runtime alerting({opt.database_url, spec.name, std::move(alerting_settings), opt.poll_interval});
    alerting.start();
    bool clean = w.run();
    alerting.stop();
    if (!clean) std::_Exit(0);  // a handler is still running: its job was handed back
    return 0;
  });
}

}  // namespace td::service
