// Makes the queued Bot API calls (outbox.h): the worker handler of kind
// "telegram-send", run by the gateway.
//
//   ok                         done
//   429                        back to the queue until Telegram's retry_after
//                              has passed (RetryLater: not a failed attempt)
//   403 (blocked, kicked)      the chat is marked blocked and the job done:
//                              no retries, and later replies to it are dropped
//                              until the chat writes again
//   5xx, no answer             failed, retried with backoff
//   other 4xx                  dead at once (a bad request stays bad)
// Counters: telegram_messages_sent, telegram_send_errors.
#pragma once

#include <memory>

#include "telegram/bot_api.h"
#include "worker/worker.h"

namespace td::telegram {

class Sender {
 public:
  Sender(std::shared_ptr<const BotApi> api, int64_t bot_id);
  void operator()(worker::JobContext& ctx) const;
  // The worker's on_failure: counts telegram_send_errors.
  static void count_failure(pqxx::transaction_base& tx, const queue::Job& job, const worker::Failure& f);

 private:
  std::shared_ptr<const BotApi> api_;
  int64_t bot_id_;
};

}  // namespace td::telegram
