#include "telegram/bot_api.h"

#include <spdlog/spdlog.h>

#include <random>
#include <utility>

#include "telegram/multipart.h"

namespace td::telegram {

namespace {

using json = nlohmann::json;

// Invalid UTF-8 in a text (a transcript's stray byte) becomes U+FFFD rather
// than making dump() throw.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool is_2xx(int status) { return status >= 200 && status < 300; }

std::string reason_for(int status) {
  switch (status) {
    case 400: return "telegram_bad_request";
    case 401: return "telegram_unauthorized";
    case 403: return "telegram_forbidden";
    case 404: return "telegram_not_found";
    case 409: return "telegram_conflict";
    case 413: return "telegram_too_large";
    case 429: return "telegram_rate_limited";
    default: return status >= 500 ? "telegram_unavailable" : "telegram_error";
  }
}

bool permanent_status(int status) {
  return status == 400 || status == 401 || status == 403 || status == 404 || status == 413;
}

// At most 160 bytes of a body that is not JSON (a proxy's error page), on one line.
std::string snippet(const std::string& body) {
  std::string s = body.substr(0, 160);
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

std::optional<int64_t> integer(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

}  // namespace

std::string redact_token(std::string text, const std::string& token) {
  if (token.empty()) return text;
  for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + 7))
    text.replace(at, token.size(), "<token>");
  return text;
}

ApiError::ApiError(std::string reason, const std::string& message, bool permanent, std::optional<int> http_status,
                   int error_code, std::string description, std::optional<std::chrono::seconds> retry_after,
                   std::optional<int64_t> migrate_to_chat_id, td::http::Failure failure)
    : JobError(std::move(reason), message, permanent, http_status),
      error_code_(error_code),
      description_(std::move(description)),
      retry_after_(retry_after),
      migrate_to_chat_id_(migrate_to_chat_id),
      failure_(failure) {}

bool ApiError::retryable() const {
  if (permanent()) return false;  // a bad setting, a file over the limit
  int s = code();
  return s == 0 || s == 429 || s >= 500 || is_2xx(s);  // 2xx: an answer that was not the Bot API's
}

bool ApiError::not_modified() const {
  return code() == 400 && description_.find("message is not modified") != std::string::npos;
}

BotApi::BotApi(std::string api_base, std::string token, std::chrono::milliseconds request_timeout)
    : api_base_(api_base.empty() ? kDefaultApiBase : std::move(api_base)),
      token_(std::move(token)),
      request_timeout_(request_timeout) {
  while (!api_base_.empty() && api_base_.back() == '/') api_base_.pop_back();
}

std::string BotApi::redact(std::string text) const { return redact_token(std::move(text), token_); }

namespace {

// What a response that is not a success says, as an ApiError. `what` names
// the call ("sendMessage", "file download"); the token is taken out of any
// text that did not come from us.
ApiError failure_of(const std::string& what, const td::http::Response& r, const std::string& api_base,
                    std::chrono::milliseconds timeout, const std::string& token) {
  auto redact = [&](std::string s) { return redact_token(std::move(s), token); };
  const std::string prefix = "Telegram " + what + ": ";
  if (r.status == 0) {
    // The transport message names the URL, token and all: it is rebuilt
    // around the API's base instead.
    std::string text;
    if (r.failure == td::http::Failure::timeout) {
      text = "timed out after " + td::http::seconds_text(timeout);
    } else {
      text = r.transport_error.empty() ? "no response" : r.transport_error;
      if (!r.url.empty())
        for (size_t at = text.find(r.url); at != std::string::npos; at = text.find(r.url, at + api_base.size()))
          text.replace(at, r.url.size(), api_base);
    }
    text = redact(text);
    return ApiError("telegram_unavailable", prefix + text, false, std::nullopt, 0, text, std::nullopt, std::nullopt,
                    r.failure);
  }
  json body = json::parse(r.body, nullptr, false);
  bool bot_api = body.is_object() && body.contains("ok");
  int code = r.status;
  std::string description;
  std::optional<std::chrono::seconds> retry_after;
  std::optional<int64_t> migrate_to;
  if (bot_api) {
    if (auto c = integer(body, "error_code")) code = static_cast<int>(*c);
    if (auto it = body.find("description"); it != body.end() && it->is_string())
      description = redact(it->get<std::string>());
    if (auto it = body.find("parameters"); it != body.end() && it->is_object()) {
      if (auto s = integer(*it, "retry_after"); s && *s >= 0) retry_after = std::chrono::seconds(*s);
      migrate_to = integer(*it, "migrate_to_chat_id");
    }
  } else if (!r.body.empty()) {
    description = redact(snippet(r.body));
  }
  if (!retry_after) {
    if (auto h = r.retry_after()) retry_after = std::chrono::duration_cast<std::chrono::seconds>(*h);
  }
  if (is_2xx(r.status)) {
    // ok:false under a 2xx status, or a 2xx that is not the Bot API's JSON
    // (a captive portal, a misconfigured proxy).
    std::string text = bot_api ? "HTTP " + std::to_string(r.status) + " with ok:false" +
                                     (description.empty() ? "" : " (" + description + ")")
                               : "HTTP " + std::to_string(r.status) + " answer is not the Bot API's JSON";
    return ApiError("telegram_unavailable", prefix + text, false, r.status, code, description, retry_after, migrate_to,
                    td::http::Failure::none);
  }
  std::string text = "HTTP " + std::to_string(r.status) + (description.empty() ? "" : " (" + description + ")");
  return ApiError(reason_for(r.status), prefix + text, permanent_status(r.status), r.status, code, description,
                  retry_after, migrate_to, td::http::Failure::none);
}

}  // namespace

json BotApi::post(const std::string& method, td::http::Request req) const {
  req.method = "POST";
  req.url = api_base_ + "/bot" + token_ + "/" + method;
  td::http::Response r;
  try {
    r = td::http::send(req);
  } catch (const std::invalid_argument&) {
    // The message would quote the URL: say which setting is wrong instead.
    throw ApiError("telegram_config",
                   "Telegram " + method + ": the API base '" + redact(api_base_) + "' is not an http(s) URL", true,
                   std::nullopt, 0, "", std::nullopt, std::nullopt, td::http::Failure::other);
  }
  if (is_2xx(r.status)) {
    json body = json::parse(r.body, nullptr, false);
    auto ok = body.find("ok");  // end() for anything but an object
    if (ok != body.end() && *ok == true && body.contains("result")) return body["result"];
  }
  ApiError e = failure_of(method, r, api_base_, req.timeout, token_);
  spdlog::debug("{}", e.what());
  throw e;
}

json BotApi::call(const std::string& method, const json& params) const {
  td::http::Request req;
  req.body = dump(params.is_null() ? json::object() : params);
  req.content_type = "application/json";
  req.timeout = request_timeout_;
  return post(method, std::move(req));
}

json BotApi::call_multipart(const std::string& method, const std::map<std::string, std::string>& fields,
                            const std::string& file_field, const std::string& file_name,
                            const std::string& content_type, const std::string& bytes) const {
  auto form = build_multipart(fields, file_field, file_name, content_type, bytes);
  td::http::Request req;
  req.body = std::move(form.body);
  req.content_type = form.content_type;
  req.timeout = request_timeout_;
  return post(method, std::move(req));
}

json BotApi::get_updates(int64_t offset, int wait_seconds, const std::vector<std::string>& allowed_updates,
                         int limit) const {
  json params = {{"offset", offset}, {"timeout", std::max(0, wait_seconds)}, {"limit", limit}};
  if (!allowed_updates.empty()) params["allowed_updates"] = allowed_updates;
  td::http::Request req;
  req.body = dump(params);
  // Telegram holds the request for the whole wait: that time is no timeout.
  req.timeout = request_timeout_ + std::chrono::seconds(std::max(0, wait_seconds));
  json result = post("getUpdates", std::move(req));
  if (!result.is_array()) {
    throw ApiError("telegram_unavailable", "Telegram getUpdates: the result is not an array", false, 200, 200, "",
                   std::nullopt, std::nullopt, td::http::Failure::none);
  }
  return result;
}

json BotApi::send_message(int64_t chat_id, const std::string& text, const std::string& parse_mode,
                          const json& reply_markup, std::optional<int64_t> reply_to_message_id,
                          bool disable_web_page_preview) const {
  json params = {{"chat_id", chat_id}, {"text", text}};
  if (!parse_mode.empty()) params["parse_mode"] = parse_mode;
  if (!reply_markup.is_null()) params["reply_markup"] = reply_markup;
  // Bot API 7.0's forms of reply_to_message_id and disable_web_page_preview.
  if (reply_to_message_id)
    params["reply_parameters"] = {{"message_id", *reply_to_message_id}, {"allow_sending_without_reply", true}};
  if (disable_web_page_preview) params["link_preview_options"] = {{"is_disabled", true}};
  return call("sendMessage", params);
}

json BotApi::edit_message_text(int64_t chat_id, int64_t message_id, const std::string& text, const json& reply_markup,
                               const std::string& parse_mode) const {
  json params = {{"chat_id", chat_id}, {"message_id", message_id}, {"text", text}};
  if (!parse_mode.empty()) params["parse_mode"] = parse_mode;
  if (!reply_markup.is_null()) params["reply_markup"] = reply_markup;
  params["link_preview_options"] = {{"is_disabled", true}};
  try {
    return call("editMessageText", params);
  } catch (const ApiError& e) {
    if (e.not_modified()) return nullptr;
    throw;
  }
}

json BotApi::send_audio(int64_t chat_id, const std::string& mp3, const std::string& title, const std::string& performer,
                        int duration_s, const std::string& caption) const {
  std::map<std::string, std::string> fields{{"chat_id", std::to_string(chat_id)}};
  if (!title.empty()) fields["title"] = title;
  if (!performer.empty()) fields["performer"] = performer;
  if (duration_s > 0) fields["duration"] = std::to_string(duration_s);
  if (!caption.empty()) {
    fields["caption"] = caption;
    fields["parse_mode"] = "HTML";
  }
  // Clients show the file name when there is no title; keep it plain.
  std::string name;
  for (char c : title) name += (c == '/' || c == '\\' || c == '"' || static_cast<unsigned char>(c) < 0x20) ? '_' : c;
  if (name.empty()) name = "audio";
  return call_multipart("sendAudio", fields, "audio", name.substr(0, 120) + ".mp3", "audio/mpeg", mp3);
}

void BotApi::answer_callback_query(const std::string& callback_query_id, const std::string& text,
                                   bool show_alert) const {
  json params = {{"callback_query_id", callback_query_id}};
  if (!text.empty()) params["text"] = text;
  if (show_alert) params["show_alert"] = true;
  call("answerCallbackQuery", params);
}

FileInfo BotApi::get_file(const std::string& file_id) const {
  json r = call("getFile", {{"file_id", file_id}});
  FileInfo f;
  f.file_id = r.value("file_id", file_id);
  f.file_unique_id = r.value("file_unique_id", "");
  f.file_path = r.value("file_path", "");
  f.file_size = integer(r, "file_size");
  return f;
}

std::string BotApi::download_file(const std::string& file_path, size_t max_bytes) const {
  const std::string what = "file download";
  td::http::Request req;
  req.method = "GET";
  req.url = api_base_ + "/file/bot" + token_ + "/" + td::http::percent_encode(file_path, "/");
  req.timeout = request_timeout_;
  req.max_body = max_bytes;
  td::http::Response r;
  try {
    r = td::http::send(req);
  } catch (const std::invalid_argument&) {
    throw ApiError("telegram_config",
                   "Telegram file download: the API base '" + redact(api_base_) + "' is not an http(s) URL", true,
                   std::nullopt, 0, "", std::nullopt, std::nullopt, td::http::Failure::other);
  }
  if (r.status == 0 && r.failure == td::http::Failure::too_large) {
    throw ApiError("telegram_file_too_large",
                   "Telegram file download: the file is larger than " + std::to_string(max_bytes) + " bytes", true,
                   std::nullopt, 0, "", std::nullopt, std::nullopt, r.failure);
  }
  if (is_2xx(r.status)) return std::move(r.body);
  ApiError e = failure_of(what, r, api_base_, req.timeout, token_);
  spdlog::debug("{}", e.what());
  throw e;
}

json BotApi::get_me() const { return call("getMe", json::object()); }

void BotApi::delete_webhook(bool drop_pending_updates) const {
  call("deleteWebhook", {{"drop_pending_updates", drop_pending_updates}});
}

}  // namespace td::telegram
