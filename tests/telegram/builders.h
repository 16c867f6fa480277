// Updates as Telegram sends them, for tests that feed the mock's queue
// (MockBotApi::push_update assigns the update_id). Message ids count up
// from 1 per process unless given.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace td::telegram::test {

// A User: {"id", "is_bot": false, "first_name", "username", "language_code"}.
nlohmann::json user(int64_t id, const std::string& first_name = "Ada");

// The entities Telegram detects in a plain text: bot_command for /start,
// /help@bot (anywhere in the text), url for http(s) links and bare
// host/path links (youtu.be/x, www.youtube.com/watch?v=x); offsets and
// lengths in UTF-16 code units, trailing punctuation left out of a url.
nlohmann::json text_entities(const std::string& text);

// {"message": {...}}: a text message from user `user_id` in chat `chat_id`
// (a private chat when they are equal or chat_id > 0, else a supergroup),
// with entities.
nlohmann::json text_message_update(int64_t user_id, int64_t chat_id, const std::string& text, int64_t message_id = 0);

// {"callback_query": {...}}: a press of an inline button carrying `data`
// on the bot's message `message_id`. An empty `id` gets a fresh one.
nlohmann::json callback_query_update(int64_t user_id, int64_t chat_id, int64_t message_id, const std::string& data,
                                     const std::string& id = "");

// {"message": {...}}: a document (a transcript file, say) with a caption and
// the caption's entities.
nlohmann::json document_message_update(int64_t user_id, int64_t chat_id, const std::string& file_id,
                                       const std::string& file_name, const std::string& mime_type, int64_t file_size,
                                       const std::string& caption = "", int64_t message_id = 0);

}  // namespace td::telegram::test
