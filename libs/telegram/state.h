// What the bot keeps in PostgreSQL (schema/011_telegram.sql): its offset in
// the update stream and the chats that blocked it, and the statements that
// read and write them.
#pragma once

#include <cstdint>

#include <pqxx/pqxx>

#include "db/statements.h"

namespace td::telegram {

extern const db::Statement kStateStatements[];
extern const size_t kStateStatementCount;

// Registers the bot's statements on `conn` (catalog::prepare does).
void prepare(pqxx::connection_base& conn);

// The offset the next getUpdates passes: one past the last handled update.
int64_t next_offset(pqxx::transaction_base& tx, int64_t bot_id);

// Takes update `update_id` for handling in `tx`: true (and next_offset moved
// past it, committed with whatever handling it does) unless an earlier
// transaction handled it already. The row lock serializes two pollers.
bool claim_update(pqxx::transaction_base& tx, int64_t bot_id, int64_t update_id);

// Telegram answered 403 for this chat: stop sending to it.
void mark_blocked(pqxx::transaction_base& tx, int64_t bot_id, int64_t chat_id);
// The chat wrote to the bot: it may be written to again.
void mark_reachable(pqxx::transaction_base& tx, int64_t bot_id, int64_t chat_id);
bool is_blocked(pqxx::transaction_base& tx, int64_t bot_id, int64_t chat_id);

}  // namespace td::telegram
