#include "telegram/state.h"

namespace td::telegram {

const db::Statement kStateStatements[] = {
    {"td_tg_next_offset", "SELECT next_offset FROM telegram_state WHERE bot_id = $1"},
    // Compare and set: moves next_offset to $2 + 1 only while it is still
    // at or below $2, so of two transactions handling the same update the
    // second finds nothing to return. Takes the row lock until commit.
    {"td_tg_claim_update", R"SQL(
INSERT INTO telegram_state AS s (bot_id, next_offset) VALUES ($1, $2 + 1)
ON CONFLICT (bot_id) DO UPDATE SET next_offset = $2 + 1, updated_at = now() WHERE s.next_offset <= $2
RETURNING 1)SQL"},
    {"td_tg_block", R"SQL(
INSERT INTO telegram_chats (bot_id, chat_id, blocked_at) VALUES ($1, $2, now())
ON CONFLICT (bot_id, chat_id) DO UPDATE SET blocked_at = now(), updated_at = now())SQL"},
    {"td_tg_unblock",
     "UPDATE telegram_chats SET blocked_at = NULL, updated_at = now() WHERE bot_id = $1 AND chat_id = $2 AND "
     "blocked_at IS NOT NULL"},
    {"td_tg_is_blocked", "SELECT 1 FROM telegram_chats WHERE bot_id = $1 AND chat_id = $2 AND blocked_at IS NOT NULL"},
};
const size_t kStateStatementCount = std::size(kStateStatements);

void prepare(pqxx::connection_base& conn) { db::register_statements(conn, {kStateStatements, kStateStatementCount}); }

int64_t next_offset(pqxx::transaction_base& tx, int64_t bot_id) {
  auto r = tx.exec_prepared("td_tg_next_offset", bot_id);
  return r.empty() ? 0 : r[0][0].as<int64_t>();
}

bool claim_update(pqxx::transaction_base& tx, int64_t bot_id, int64_t update_id) {
  return !tx.exec_prepared("td_tg_claim_update", bot_id, update_id).empty();
}

void mark_blocked(pqxx::transaction_base& tx, int64_t bot_id, int64_t chat_id) {
  tx.exec_prepared("td_tg_block", bot_id, chat_id);
}

void mark_reachable(pqxx::transaction_base& tx, int64_t bot_id, int64_t chat_id) {
  tx.exec_prepared("td_tg_unblock", bot_id, chat_id);
}

bool is_blocked(pqxx::transaction_base& tx, int64_t bot_id, int64_t chat_id) {
  return !tx.exec_prepared("td_tg_is_blocked", bot_id, chat_id).empty();
}

}  // namespace td::telegram
