#include "telegram/outbox.h"

namespace td::telegram {

void queue_call(pqxx::transaction_base& tx, const queue::Queue& queue, int64_t bot_id, int64_t chat_id,
                const std::string& method, const nlohmann::json& params) {
  nlohmann::json payload = {{"bot_id", bot_id}, {"chat_id", chat_id}, {"method", method}, {"params", params}};
  queue::EnqueueOptions o;
  o.priority = 20;
  o.max_attempts = 8;
  o.subject = "telegram:" + std::to_string(chat_id);
  queue.enqueue(tx, {kSendKind, payload.dump(), o});
}

void queue_message(pqxx::transaction_base& tx, const queue::Queue& queue, int64_t bot_id, int64_t chat_id,
                   const std::string& html) {
  queue_call(tx, queue, bot_id, chat_id, "sendMessage",
             {{"chat_id", chat_id}, {"text", html}, {"parse_mode", "HTML"}, {"disable_web_page_preview", true}});
}

}  // namespace td::telegram
