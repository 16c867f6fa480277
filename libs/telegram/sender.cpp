#include "telegram/sender.h"

#include "common/log.h"
#include "metrics/metrics.h"
#include "telegram/state.h"

namespace td::telegram {

Sender::Sender(std::shared_ptr<const BotApi> api, int64_t bot_id) : api_(std::move(api)), bot_id_(bot_id) {}

void Sender::operator()(worker::JobContext& ctx) const {
  const auto& p = ctx.payload();
  const int64_t chat = p.value("chat_id", int64_t{0});
  const std::string method = p.value("method", "");
  if (method.empty() || !p.contains("params") || !p["params"].is_object())
    throw PermanentError("bad_payload", "a telegram-send job needs method and params");
  {
    pqxx::work tx(ctx.conn());
    if (is_blocked(tx, bot_id_, chat)) {
      spdlog::info("telegram: chat {} blocked the bot; {} dropped (job {})", chat, method, ctx.job().id);
      ctx.complete_in(tx, worker::JobContext::Outcome::nothing_new);
      tx.commit();
      return;
    }
  }
  try {
    api_->call(method, p["params"]);
  } catch (const ApiError& e) {
    if (e.rate_limited()) {
      auto wait = e.retry_after().value_or(std::chrono::seconds(1));
      throw worker::RetryLater(std::chrono::system_clock::now() + wait, e.what());
    }
    if (e.blocked()) {
      pqxx::work tx(ctx.conn());
      mark_blocked(tx, bot_id_, chat);
      metrics::increment(tx, "telegram_send_errors");
      ctx.complete_in(tx, worker::JobContext::Outcome::nothing_new);
      tx.commit();
      spdlog::warn("telegram: chat {} cannot be written to ({}); stopping sends to it", chat, e.what());
      return;
    }
    throw;
  }
  pqxx::work tx(ctx.conn());
  metrics::increment(tx, "telegram_messages_sent");
  ctx.complete_in(tx);
  tx.commit();
}

void Sender::count_failure(pqxx::transaction_base& tx, const queue::Job&, const worker::Failure&) {
  metrics::increment(tx, "telegram_send_errors");
}

}  // namespace td::telegram
