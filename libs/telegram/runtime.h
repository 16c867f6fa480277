// The bot inside a gateway process (TELEGRAM_BOT_TOKEN set): a poller and
// a sender.
//
// Poller: one in the whole deployment (two getUpdates on one token make
// Telegram answer 409). Every gateway tries the lease "telegram"
// (leader_leases, 10 s, renewed before each long poll of 5 s); the holder
// polls, handles each update in a transaction that claims it (state.h) and
// queues its replies (outbox.h), so an update is handled once across
// restarts and failovers. When the holder dies, another gateway takes over
// within the lease. On first leading it deletes any webhook (a bot with a
// webhook cannot long-poll). An update whose handling throws is logged and
// skipped, so one bad update cannot stop the bot.
//
// Sender: every gateway runs a one-slot worker for "telegram-send" jobs
// (sender.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "telegram/settings.h"

namespace td::telegram {

struct RuntimeOptions {
  std::string database_url;
  std::string process = "gateway";
  Settings settings;
  std::chrono::seconds long_poll{5};
  std::chrono::milliseconds lease{std::chrono::seconds(10)};
  std::chrono::milliseconds sender_poll_interval{std::chrono::seconds(2)};
};

class Runtime {
 public:
  explicit Runtime(RuntimeOptions options);
  ~Runtime();  // stop()
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  void start();
  // Stops polling (after the poll in flight, at most long_poll) and sending,
  // and gives the lease up.
  void stop();
  const std::string& holder() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace td::telegram
