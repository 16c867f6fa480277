#include "telegram/settings.h"

#include <cctype>
#include <stdexcept>

#include "common/env.h"
#include "common/quote.h"
#include "variants/variants.h"

namespace td::telegram {

namespace {

// BotFather's tokens are "<bot id>:<35 characters of [A-Za-z0-9_-]>".
bool plausible_token(const std::string& t) {
  auto colon = t.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 20 || t.size() - colon - 1 < 20) return false;
  for (size_t i = 0; i < colon; ++i)
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
  for (size_t i = colon + 1; i < t.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (!std::isalnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

}  // namespace

std::set<int64_t> parse_user_ids(const char* variable, const std::string& csv) {
  std::set<int64_t> out;
  size_t start = 0;
  while (start <= csv.size()) {
    auto comma = csv.find(',', start);
    auto item = trim(csv.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!item.empty()) {
      size_t used = 0;
      long long id = 0;
      try {
        id = std::stoll(item, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != item.size() || id <= 0)
        throw std::invalid_argument(std::string(variable) + ": '" + item + "' is not a numeric Telegram user id");
      out.insert(id);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int64_t Settings::bot_id() const {
  auto colon = token.find(':');
  return colon == std::string::npos ? 0 : std::stoll(token.substr(0, colon));
}

Settings Settings::from_env(const std::vector<std::string>& default_variants) {
  Settings s;
  s.token = trim(env::get_or("TELEGRAM_BOT_TOKEN", ""));
  if (!s.token.empty() && !plausible_token(s.token))
    throw std::invalid_argument("TELEGRAM_BOT_TOKEN does not look like a BotFather token (<digits>:<secret>)");
  s.allowed_users = parse_user_ids("TELEGRAM_ALLOWED_USERS", env::get_or("TELEGRAM_ALLOWED_USERS", ""));
  if (auto admins = env::get("TELEGRAM_ADMIN_USERS")) {
    s.admin_users = parse_user_ids("TELEGRAM_ADMIN_USERS", *admins);
    for (auto id : s.admin_users)
      if (!s.allowed(id))
        throw std::invalid_argument("TELEGRAM_ADMIN_USERS: " + std::to_string(id) +
                                    " is not in TELEGRAM_ALLOWED_USERS (admins must be allowed users)");
  } else {
    s.admin_users = s.allowed_users;
  }
  if (auto v = env::get("TELEGRAM_DEFAULT_VARIANTS")) {
    try {
      for (const auto& variant : parse_variant_list(*v)) s.default_variants.push_back(variant.name());
    } catch (const std::exception& e) {
      throw std::invalid_argument(std::string("TELEGRAM_DEFAULT_VARIANTS: ") + e.what());
    }
  } else {
    s.default_variants = default_variants;
  }
  s.api_base = trim(env::get_or("TELEGRAM_API_BASE", s.api_base));
  while (!s.api_base.empty() && s.api_base.back() == '/') s.api_base.pop_back();
  if (s.api_base.rfind("http://", 0) != 0 && s.api_base.rfind("https://", 0) != 0)
    throw std::invalid_argument("TELEGRAM_API_BASE is not an http:// or https:// URL");
  return s;
}

std::string Settings::describe() const {
  if (!enabled()) return "telegram: no bot (TELEGRAM_BOT_TOKEN unset)";
  std::string out = "telegram: bot " + std::to_string(bot_id()) + " via " + api_base + ", ";
  if (allowed_users.empty()) return out + "no allowed users: every message is refused (TELEGRAM_ALLOWED_USERS)";
  return out + std::to_string(allowed_users.size()) + " allowed user(s), " + std::to_string(admin_users.size()) +
         " admin(s)";
}

}  // namespace td::telegram
