// What the bot does with one update, inside the transaction that claimed it
// (state.h): everything it decides (videos queued, replies) commits with the
// claim or not at all.
//
//   a sender not in TELEGRAM_ALLOWED_USERS   one refusal naming their numeric
//                                            id; nothing else happens
//   /start, /help                            what the bot does
//   text with YouTube links                  each queued with the default
//                                            variants (as POST /api/submit),
//                                            one reply per video; links that
//                                            are no video (a playlist, a
//                                            channel) answered with the reason
//   anything else                            a hint
// Updates that are not messages (edits, channel posts) are ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "queue/queue.h"
#include "telegram/settings.h"

namespace td::telegram {

// The candidate links of a message: its url / text_link entities and any
// word that looks like a YouTube link or yt:<id>, in order, without repeats.
std::vector<std::string> links_in(const nlohmann::json& message);

// What handling an update did, for counters and tests.
struct Handled {
  std::optional<int64_t> chat_id;
  bool refused = false;
  std::vector<std::string> queued;  // video keys
};

Handled handle_update(pqxx::transaction_base& tx, const Settings& settings, const queue::Queue& queue,
                      const nlohmann::json& update);

}  // namespace td::telegram
