// The Telegram bot's settings, from the environment (README "Telegram").
//
//   TELEGRAM_BOT_TOKEN         unset    BotFather's token; unset = no bot
//   TELEGRAM_ALLOWED_USERS     empty    numeric user ids, comma-separated, who may use the bot
//   TELEGRAM_ADMIN_USERS       allowed  who may also /reprocess and /delete
//   TELEGRAM_DEFAULT_VARIANTS  DEFAULT_VARIANTS  what a pasted link is summarized as
//   TELEGRAM_API_BASE          https://api.telegram.org  (tests: a mock on loopback)
//
// Fail closed: with no allowed users every message gets a refusal that tells
// the sender their numeric id, and nothing else happens.
//
// The token is a secret: it never appears in logs or errors. What may be
// shown is the bot's id, the number before the colon, which Telegram treats
// as public (it is the bot's user id).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace td::telegram {

struct Settings {
  std::string token;  // empty: no bot
  std::set<int64_t> allowed_users;
  std::set<int64_t> admin_users;
  std::vector<std::string> default_variants;  // canonical variant names
  std::string api_base = "https://api.telegram.org";

  bool enabled() const { return !token.empty(); }
  // The number before the token's colon: the bot's own user id.
  int64_t bot_id() const;
  bool allowed(int64_t user) const { return allowed_users.count(user) > 0; }
  bool admin(int64_t user) const { return admin_users.count(user) > 0; }

  // Throws std::invalid_argument naming the variable (never repeating the
  // token) for a token that is not "<digits>:<secret>", a user id that is no
  // number, an unknown variant or a base that is not http(s).
  // `default_variants` is the deployment's DEFAULT_VARIANTS.
  static Settings from_env(const std::vector<std::string>& default_variants);

  // One line for the log at start: bot id, how many users, the API's host.
  std::string describe() const;
};

// "123,456" -> {123, 456}; throws std::invalid_argument naming `variable`.
std::set<int64_t> parse_user_ids(const char* variable, const std::string& csv);

}  // namespace td::telegram
