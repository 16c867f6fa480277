// tubedigest-gateway: the HTTP API, SSE stream and dashboard (libs/gateway).
// Settings come from the environment (gateway/options.h lists them); the
// flags below override the common ones.
#include <condition_variable>
#include <iostream>
#include <mutex>

#include <cxxopts.hpp>

#include "alerts/runtime.h"
#include "common/log.h"
#include "common/program.h"
#include "common/signals.h"
#include "db/migrate.h"
#include "gateway/gateway.h"
#include "store/audio_dir.h"
#include "telegram/runtime.h"

int main(int argc, char** argv) {
  td::log::init("gateway");
  td::block_termination_signals();
  return td::run_main("tubedigest-gateway", [&]() -> int {
    auto opt = td::gateway::Options::from_env();
    cxxopts::Options o("tubedigest-gateway", "tubedigest HTTP gateway");
    o.add_options()("listen", "host:port (GATEWAY_LISTEN)", cxxopts::value<std::string>()->default_value(opt.listen))(
        "database-url", "PostgreSQL URL (DATABASE_URL)",
        cxxopts::value<std::string>()->default_value(opt.database_url))(
        "threads", "API threads (GATEWAY_THREADS)",
        cxxopts::value<size_t>()->default_value(std::to_string(opt.threads)))(
        "db-pool", "Postgres connections (GATEWAY_DB_POOL)",
        cxxopts::value<size_t>()->default_value(std::to_string(opt.db_pool)))(
        "max-body-bytes", "request body limit (MAX_BODY_BYTES)",
        cxxopts::value<size_t>()->default_value(std::to_string(opt.max_body_bytes)))(
        "audio-dir", "audio files folder (AUDIO_DIR)", cxxopts::value<std::string>()->default_value(opt.audio_dir))(
        "no-migrate", "do not apply migrations at start")("h,help", "show this help");
    auto r = o.parse(argc, argv);
    if (r.count("help")) {
      std::cout << o.help();
      return 0;
    }
    opt.listen = r["listen"].as<std::string>();
    opt.database_url = r["database-url"].as<std::string>();
    opt.threads = r["threads"].as<size_t>();
    opt.db_pool = r["db-pool"].as<size_t>();
    opt.max_body_bytes = r["max-body-bytes"].as<size_t>();
    opt.audio_dir = r["audio-dir"].as<std::string>();
    if (opt.threads < 1 || opt.db_pool < 1 || opt.max_body_bytes < 1)
      throw std::invalid_argument("--threads, --db-pool and --max-body-bytes must be at least 1");
    auto [host, port] = td::gateway::split_listen(opt.listen);
    td::gateway::check_exposure(opt, host);
    auto alerting_settings = td::alerts::Settings::from_env();  // a malformed ALERT_* stops the gateway here
    auto telegram_settings = td::telegram::Settings::from_env(opt.default_variants);  // and TELEGRAM_*

    if (!r.count("no-migrate")) td::db::migrate_with_retry(opt.database_url, std::chrono::minutes(5));
    if (!opt.audio_dir.empty()) td::store::claim_audio_dir(opt.database_url, opt.audio_dir, std::chrono::minutes(5));

    td::gateway::Gateway gw(opt);
    gw.bind(host, port);
    std::mutex mu;
    std::condition_variable cv;
    int signals = 0;
    td::on_termination_signal([&](int sig) {
      std::lock_guard lk(mu);
      if (++signals > 1) std::_Exit(130);
      spdlog::info("signal {}: shutting down", sig);
      cv.notify_all();
    });
    gw.start();
    // Alerts are evaluated and sent from every service process, the gateway's too (alerts/runtime.h).
    td::alerts::Runtime alerting({opt.database_url, "gateway", std::move(alerting_settings)});
    alerting.start();
    td::telegram::Runtime telegram({opt.database_url, "gateway", std::move(telegram_settings)});
    telegram.start();
    std::cout << "tubedigest gateway: http://" << host << ":" << gw.port() << "/" << std::endl;
    {
      std::unique_lock lk(mu);
      cv.wait(lk, [&] { return signals > 0; });
    }
    telegram.stop();
    alerting.stop();
    gw.stop();
    return 0;
  });
}
