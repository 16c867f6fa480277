#include "ytdlp_upkeep.h"

#include <spdlog/spdlog.h>

#include <random>

#include "catalog/catalog.h"
#include "common/env.h"
#include "common/process.h"
#include "db/connection.h"
#include "store/tool_versions.h"

namespace td::ingest {

namespace {

std::string first_line(const std::string& s) {
  auto end = s.find('\n');
  std::string line = s.substr(0, end);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

UpkeepConfig UpkeepConfig::from_env() {
  UpkeepConfig c;
  c.ytdlp_path = env::get_or("YTDLP_PATH", c.ytdlp_path);
  c.auto_update = env::get_bool("YTDLP_AUTO_UPDATE", c.auto_update);
  c.update_command = env::get_or("YTDLP_UPDATE_COMMAND", c.update_command);
  c.update_interval = env::get_duration("YTDLP_UPDATE_INTERVAL", c.update_interval);
  c.update_timeout = env::get_duration("YTDLP_UPDATE_TIMEOUT", c.update_timeout);
  if (c.update_interval < std::chrono::minutes(1))
    throw std::invalid_argument("YTDLP_UPDATE_INTERVAL must be at least 1m");
  if (c.update_timeout < std::chrono::seconds(1))
    throw std::invalid_argument("YTDLP_UPDATE_TIMEOUT must be at least 1s");
  return c;
}

YtDlpUpkeep::YtDlpUpkeep(UpkeepConfig config) : config_(std::move(config)) {}

YtDlpUpkeep::~YtDlpUpkeep() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void YtDlpUpkeep::start() {
  thread_ = std::thread([this] { loop(); });
}

std::string YtDlpUpkeep::probe_version(const std::string& ytdlp_path) {
  try {
    process::Options o;
    o.timeout = std::chrono::seconds(30);
    o.max_stdout = 4096;
    auto r = process::run({ytdlp_path, "--version"}, o);
    std::string v = first_line(r.out);
    if (r.ok() && !v.empty()) return v;
    return "unavailable (" + r.describe() + ")";
  } catch (const std::exception& e) {
    return std::string("unavailable (") + e.what() + ")";
  }
}

bool YtDlpUpkeep::update() {
  auto started = std::chrono::steady_clock::now();
  try {
    process::Options o;
    o.timeout = config_.update_timeout;
    o.max_stdout = 64 * 1024;
    auto r = process::run({config_.update_command}, o);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (r.ok()) {
      spdlog::info("yt-dlp update ok duration_ms={} result=\"{}\"", ms.count(), first_line(r.out));
      return true;
    }
    spdlog::warn("yt-dlp update failed, keeping the current copy duration_ms={} error=\"{}\"", ms.count(),
                 r.describe());
  } catch (const std::exception& e) {
    spdlog::warn("yt-dlp update failed, keeping the current copy command={} error=\"{}\"", config_.update_command,
                 e.what());
  }
  return false;
}

void YtDlpUpkeep::record(const std::string& version) {
  try {
    auto conn = db::connect(config_.database_url);
    catalog::prepare(*conn);
    pqxx::work tx(*conn);
    auto ttl = std::chrono::duration_cast<std::chrono::seconds>(config_.refresh * 3);
    store::record_tool_version(tx, "yt-dlp", config_.owner, version, config_.ytdlp_path, ttl);
    tx.commit();
  } catch (const std::exception& e) {
    spdlog::warn("yt-dlp version not recorded (retried in {}s) error=\"{}\"",
                 std::chrono::duration_cast<std::chrono::seconds>(config_.refresh).count(), e.what());
  }
}

void YtDlpUpkeep::loop() {
  std::mt19937_64 rng(std::random_device{}());
  auto jittered = [&](std::chrono::milliseconds d) {
    // ±10 %: replicas started together do not all update at the same moment.
    std::uniform_real_distribution<double> f(0.9, 1.1);
    return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(d.count()) * f(rng)));
  };
  auto next_update = std::chrono::steady_clock::now();  // at start
  std::string last;
  auto probe_and_record = [&](bool updated) {
    std::string version = probe_version(config_.ytdlp_path);
    if (version != last) {
      spdlog::info("yt-dlp version={} path={}{}", version, config_.ytdlp_path, updated ? " (after update)" : "");
      last = version;
    }
    record(version);
  };
  // What runs now is known at once, not only after the first update (which
  // may take minutes, or fail).
  probe_and_record(false);
  for (;;) {
    if (config_.auto_update && std::chrono::steady_clock::now() >= next_update) {
      bool updated = update();
      next_update = std::chrono::steady_clock::now() + jittered(config_.update_interval);
      probe_and_record(updated);
    }
    std::unique_lock lk(mu_);
    auto wake = std::chrono::steady_clock::now() + config_.refresh;
    if (config_.auto_update) wake = std::min(wake, next_update);
    if (cv_.wait_until(lk, wake, [this] { return stopping_; })) return;
    lk.unlock();
    if (!config_.auto_update || std::chrono::steady_clock::now() < next_update) probe_and_record(false);
  }
}

}  // namespace td::ingest
