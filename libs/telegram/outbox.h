// Outgoing Bot API calls as durable work: each reply is a job of kind
// "telegram-send" queued in the transaction that decided on it (the one
// that handled the update), so a reply is sent once, after a restart too,
// and never for an update whose handling rolled back. The gateway's sender
// (sender.h) makes the call.
//
// Payload: {bot_id, chat_id, method: "sendMessage", params: {...}}.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "queue/queue.h"

namespace td::telegram {

inline constexpr const char* kSendKind = "telegram-send";

void queue_call(pqxx::transaction_base& tx, const queue::Queue& queue, int64_t bot_id, int64_t chat_id,
                const std::string& method, const nlohmann::json& params);

// sendMessage with Telegram HTML (the caller escapes what it quotes).
void queue_message(pqxx::transaction_base& tx, const queue::Queue& queue, int64_t bot_id, int64_t chat_id,
                   const std::string& html);

}  // namespace td::telegram
