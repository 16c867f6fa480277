// A thin client for Telegram's Bot API (https://core.telegram.org/bots/api):
// one POST per method to <api_base>/bot<token>/<method>, JSON in, and the
// `result` of {"ok": true, "result": ...} out. Every failure is an ApiError
// carrying what Telegram said (error_code, description, retry_after,
// migrate_to_chat_id) as fields, so the poller and the senders decide what
// to do without reading messages back.
//
// The token is a secret and it is part of every URL path. This library
// therefore never shows a URL: messages name the method ("Telegram
// sendMessage: HTTP 429 (Too Many Requests: retry after 3)", "Telegram
// getUpdates: timed out after 60 s") and the API's origin at most, and any
// text that comes from elsewhere (Telegram's description, a proxy's error
// page, the HTTP layer's transport message) has the token cut out before it
// is thrown or logged.
//
// Nothing here retries or sleeps: one call is one HTTP request. The caller
// owns the policy (wait retry_after on 429, back off on 5xx, stop polling on
// 409). A BotApi holds only its settings and is safe to use from several
// threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/http_client.h"

namespace td::telegram {

// A failed Bot API call. JobError::http_status() is the HTTP status of the
// answer (unset when no answer came: refused, timed out); error_code() is
// Telegram's own code from the body (the HTTP status when the body had none,
// 0 without an answer).
//
// Reason codes, and whether a job retrying the same call could succeed:
//   400 telegram_bad_request   permanent (also "message is not modified", a
//                              chat upgraded to a supergroup: see
//                              migrate_to_chat_id)
//   401 telegram_unauthorized  permanent (a wrong or revoked token)
//   403 telegram_forbidden     permanent (blocked by the user, kicked,
//                              user deactivated)
//   404 telegram_not_found     permanent
//   413 telegram_too_large     permanent (the file is over the upload limit)
//   409 telegram_conflict      transient (another getUpdates, or a webhook)
//   429 telegram_rate_limited  transient; retry_after() says how long
//   5xx, no answer, or an answer that is not the Bot API's JSON:
//       telegram_unavailable   transient
//   other statuses: telegram_error, transient
class ApiError : public td::JobError {
 public:
  ApiError(std::string reason, const std::string& message, bool permanent, std::optional<int> http_status,
           int error_code, std::string description, std::optional<std::chrono::seconds> retry_after,
           std::optional<int64_t> migrate_to_chat_id, td::http::Failure failure);

  int error_code() const { return error_code_; }
  const std::string& description() const { return description_; }
  // parameters.retry_after (or a Retry-After header): how long Telegram
  // asks to wait before the next request.
  const std::optional<std::chrono::seconds>& retry_after() const { return retry_after_; }
  // parameters.migrate_to_chat_id: the group became this supergroup.
  const std::optional<int64_t>& migrate_to_chat_id() const { return migrate_to_chat_id_; }
  // Why no answer came (Failure::none when one did).
  td::http::Failure failure() const { return failure_; }

  bool rate_limited() const { return code() == 429; }
  bool blocked() const { return code() == 403; }
  bool conflict() const { return code() == 409; }
  bool unauthorized() const { return code() == 401; }
  // 429, 5xx, no answer at all (refused, timed out, cut off), and a 2xx
  // answer that is not the Bot API's JSON.
  bool retryable() const;
  // editMessageText with the text and markup a message already has.
  bool not_modified() const;

 private:
  int code() const { return http_status() ? *http_status() : 0; }
  int error_code_;
  std::string description_;
  std::optional<std::chrono::seconds> retry_after_;
  std::optional<int64_t> migrate_to_chat_id_;
  td::http::Failure failure_;
};

// What getFile answers: file_path is valid for download_file() for at least
// an hour; Telegram serves files up to 20 MB this way.
struct FileInfo {
  std::string file_id;
  std::string file_unique_id;
  std::string file_path;  // empty when Telegram cannot serve the file (too large)
  std::optional<int64_t> file_size;
};

// `text` with every occurrence of `token` replaced by "<token>".
std::string redact_token(std::string text, const std::string& token);

class BotApi {
 public:
  static constexpr const char* kDefaultApiBase = "https://api.telegram.org";

  // `request_timeout` bounds each request (connect to last byte); a long
  // poll gets its wait on top.
  BotApi(std::string api_base, std::string token, std::chrono::milliseconds request_timeout);

  // POSTs `params` as JSON to the method and returns its `result`. Throws
  // ApiError for ok:false, a non-2xx status, a body that is not the Bot
  // API's JSON, and for no answer at all.
  nlohmann::json call(const std::string& method, const nlohmann::json& params) const;

  // The same as multipart/form-data: `fields` as text parts, then one file
  // part (sendAudio, sendDocument, sendVoice...).
  nlohmann::json call_multipart(const std::string& method, const std::map<std::string, std::string>& fields,
                                const std::string& file_field, const std::string& file_name,
                                const std::string& content_type, const std::string& bytes) const;

  // Long polling: waits up to `wait_seconds` for updates with update_id >=
  // `offset` (and confirms every update below it, which Telegram then
  // forgets). Returns the array of Update objects, empty when the wait
  // passed. The HTTP timeout is wait_seconds + request_timeout, so the wait
  // itself never reads as a timeout. An empty `allowed_updates` sends none,
  // which keeps the list the bot set last (Telegram's rule).
  nlohmann::json get_updates(int64_t offset, int wait_seconds, const std::vector<std::string>& allowed_updates = {},
                             int limit = 100) const;

  // sendMessage; returns the Message. An empty parse_mode sends plain text.
  // The reply is sent with allow_sending_without_reply, so a deleted
  // original does not fail it; reply_markup null sends none.
  nlohmann::json send_message(int64_t chat_id, const std::string& text, const std::string& parse_mode = "HTML",
                              const nlohmann::json& reply_markup = nullptr,
                              std::optional<int64_t> reply_to_message_id = std::nullopt,
                              bool disable_web_page_preview = true) const;

  // editMessageText; returns the edited Message, or null when Telegram says
  // the message already reads so ("message is not modified": the outcome
  // the caller wanted, e.g. a progress edit repeated after a retry).
  nlohmann::json edit_message_text(int64_t chat_id, int64_t message_id, const std::string& text,
                                   const nlohmann::json& reply_markup = nullptr,
                                   const std::string& parse_mode = "HTML") const;

  // sendAudio with the MP3 uploaded as multipart; returns the Message (its
  // `audio.file_id` can be sent again without uploading). The caption uses
  // HTML parse mode; duration_s <= 0 sends none.
  nlohmann::json send_audio(int64_t chat_id, const std::string& mp3, const std::string& title,
                            const std::string& performer, int duration_s, const std::string& caption = "") const;

  // answerCallbackQuery: stops the button's spinner; `text` (optional) shows
  // as a toast, or as an alert with show_alert.
  void answer_callback_query(const std::string& callback_query_id, const std::string& text = "",
                             bool show_alert = false) const;

  FileInfo get_file(const std::string& file_id) const;

  // The file's bytes from <api_base>/file/bot<token>/<file_path>. A file
  // larger than max_bytes is not read past the limit: a permanent ApiError
  // "telegram_file_too_large" (check FileInfo::file_size first to avoid the
  // download altogether).
  std::string download_file(const std::string& file_path, size_t max_bytes) const;

  // The bot's own User (id, username): checks the token.
  nlohmann::json get_me() const;

  // Removes a webhook: getUpdates answers 409 while one is set.
  void delete_webhook(bool drop_pending_updates = false) const;

  // `text` with the token replaced by "<token>": for any text that may
  // have seen a URL.
  std::string redact(std::string text) const;

 private:
  // Sends `req` (body, content type and timeout set) to the method.
  nlohmann::json post(const std::string& method, td::http::Request req) const;

  std::string api_base_;
  std::string token_;
  std::chrono::milliseconds request_timeout_;
};

}  // namespace td::telegram
