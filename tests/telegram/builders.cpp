#include "builders.h"

#include <atomic>
#include <cctype>
#include <ctime>
#include <regex>

#include "html_check.h"

namespace td::telegram::test {

namespace {

using json = nlohmann::json;

int64_t next_id(int64_t given) {
  static std::atomic<int64_t> counter{1};
  return given > 0 ? given : counter++;
}

json chat(int64_t user_id, int64_t chat_id) {
  if (chat_id == user_id || chat_id > 0) return {{"id", chat_id}, {"type", "private"}, {"first_name", "Ada"}};
  return {{"id", chat_id}, {"type", "supergroup"}, {"title", "Test group"}};
}

json message(int64_t user_id, int64_t chat_id, int64_t message_id) {
  return {{"message_id", next_id(message_id)},
          {"from", user(user_id)},
          {"chat", chat(user_id, chat_id)},
          {"date", static_cast<int64_t>(std::time(nullptr))}};
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

}  // namespace

json user(int64_t id, const std::string& first_name) {
  return {{"id", id},
          {"is_bot", false},
          {"first_name", first_name},
          {"username", "user" + std::to_string(id)},
          {"language_code", "en"}};
}

json text_entities(const std::string& text) {
  static const std::regex command(R"(^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?)");
  static const std::regex link(R"(^(https?://[^\s]+|([A-Za-z0-9-]+\.)+[A-Za-z]{2,}(/[^\s]*)?)$)", std::regex::icase);
  json out = json::array();
  for (size_t i = 0; i < text.size();) {
    if (is_space(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && !is_space(text[end])) ++end;
    std::string word = text.substr(i, end - i);
    size_t offset = utf16_length(text.substr(0, i));
    std::smatch m;
    if (std::regex_search(word, m, command)) {
      out.push_back({{"type", "bot_command"}, {"offset", offset}, {"length", utf16_length(m[0].str())}});
    } else {
      // Telegram leaves sentence punctuation after a link out of it.
      std::string candidate = word;
      while (!candidate.empty() && std::string(".,;:!?)]'\"").find(candidate.back()) != std::string::npos)
        candidate.pop_back();
      if (!candidate.empty() && std::regex_match(candidate, link))
        out.push_back({{"type", "url"}, {"offset", offset}, {"length", utf16_length(candidate)}});
    }
    i = end;
  }
  return out;
}

json text_message_update(int64_t user_id, int64_t chat_id, const std::string& text, int64_t message_id) {
  json m = message(user_id, chat_id, message_id);
  m["text"] = text;
  json entities = text_entities(text);
  if (!entities.empty()) m["entities"] = entities;
  return {{"message", m}};
}

json callback_query_update(int64_t user_id, int64_t chat_id, int64_t message_id, const std::string& data,
                           const std::string& id) {
  static std::atomic<int64_t> counter{1};
  json m = message(0, chat_id, message_id);
  m["from"] = {
      {"id", 4242424242}, {"is_bot", true}, {"first_name", "Mock Digest Bot"}, {"username", "mock_digest_bot"}};
  m["text"] = "(the bot's message)";
  return {{"callback_query",
           {{"id", id.empty() ? "cbq-" + std::to_string(counter++) : id},
            {"from", user(user_id)},
            {"message", m},
            {"chat_instance", "ci-" + std::to_string(chat_id)},
            {"data", data}}}};
}

json document_message_update(int64_t user_id, int64_t chat_id, const std::string& file_id, const std::string& file_name,
                             const std::string& mime_type, int64_t file_size, const std::string& caption,
                             int64_t message_id) {
  json m = message(user_id, chat_id, message_id);
  m["document"] = {{"file_id", file_id},
                   {"file_unique_id", "u-" + file_id},
                   {"file_name", file_name},
                   {"mime_type", mime_type},
                   {"file_size", file_size}};
  if (!caption.empty()) {
    m["caption"] = caption;
    json entities = text_entities(caption);
    if (!entities.empty()) m["caption_entities"] = entities;
  }
  return {{"message", m}};
}

}  // namespace td::telegram::test
