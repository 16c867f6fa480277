// Keeping yt-dlp current, and telling the deployment which version runs.
//
// YouTube changes often and a yt-dlp a few months old fails on real links.
// Each ingest process runs one upkeep thread:
//   1. At start and then every YTDLP_UPDATE_INTERVAL (jittered), when
//      YTDLP_AUTO_UPDATE is on, it runs YTDLP_UPDATE_COMMAND (the image's
//      tubedigest-ytdlp-update: a new venv from YTDLP_PIP_INDEX_URL, swapped
//      in atomically only once its yt-dlp answers --version). The command
//      runs beside the worker: jobs keep being claimed, and a yt-dlp run
//      started meanwhile uses whichever copy is current when it starts.
//      A failed update changes nothing; the reason is logged.
//   2. At start (before the first update, which may take minutes), after
//      every update, and at least every `refresh`, it records
//      `YTDLP_PATH --version` in tool_versions under the worker id, with an
//      expiry of 3 × refresh, which `tubedigest jobs` and /api/metrics show.
// Database errors are logged and retried at the next round; they never stop
// the worker.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace td::ingest {

struct UpkeepConfig {
  std::string database_url;
  std::string owner;                                                   // the worker id
  std::string ytdlp_path = "yt-dlp";                                   // YTDLP_PATH
  bool auto_update = false;                                            // YTDLP_AUTO_UPDATE (the image: on)
  std::string update_command = "tubedigest-ytdlp-update";              // YTDLP_UPDATE_COMMAND
  std::chrono::milliseconds update_interval{std::chrono::hours(24)};   // YTDLP_UPDATE_INTERVAL
  std::chrono::milliseconds update_timeout{std::chrono::minutes(10)};  // YTDLP_UPDATE_TIMEOUT
  std::chrono::milliseconds refresh{std::chrono::hours(1)};

  static UpkeepConfig from_env();
};

class YtDlpUpkeep {
 public:
  explicit YtDlpUpkeep(UpkeepConfig config);
  // Stops the thread and waits for it, which can take as long as an update
  // in progress: the service therefore never destroys its upkeep (it lives
  // until the process exits, and an update cut short by the exit changes
  // nothing: the command swaps copies atomically).
  ~YtDlpUpkeep();
  void start();

  // `YTDLP_PATH --version`, or "unavailable (<reason>)".
  static std::string probe_version(const std::string& ytdlp_path);

 private:
  void loop();
  bool update();  // true when the command succeeded
  void record(const std::string& version);

  UpkeepConfig config_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace td::ingest
