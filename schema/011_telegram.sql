-- The Telegram bot (libs/telegram).
--
-- telegram_state: where this bot is in Telegram's update stream. The one
-- poller of the deployment (leader_leases name 'telegram') handles each
-- update in a transaction that also moves next_offset past it, compare-and-
-- set: an update whose id is below next_offset was handled already (before a
-- restart, or by the poller that led before a failover) and is skipped. The
-- next getUpdates passes next_offset, which confirms everything below it to
-- Telegram.
CREATE TABLE telegram_state (
  bot_id      bigint      PRIMARY KEY,  -- the number before the token's colon
  next_offset bigint      NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Chats the bot may no longer write to: Telegram answered 403 (the user
-- blocked the bot, or it was removed from a group). Sending to them stops
-- until the chat writes to the bot again.
CREATE TABLE telegram_chats (
  bot_id     bigint      NOT NULL,
  chat_id    bigint      NOT NULL,
  blocked_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, chat_id)
);
