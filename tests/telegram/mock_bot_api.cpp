#include "mock_bot_api.h"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "html_check.h"

namespace td::telegram::test {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

json error_body(int status, const std::string& description, std::optional<int> retry_after = std::nullopt) {
  json j = {{"ok", false}, {"error_code", status}, {"description", description}};
  if (retry_after) j["parameters"] = {{"retry_after", *retry_after}};
  return j;
}

json ok_body(json result) { return {{"ok", true}, {"result", std::move(result)}}; }

// A chat_id or message_id as Telegram reads it: a number, or a string of digits.
std::optional<int64_t> integer_param(const json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    try {
      size_t used = 0;
      int64_t v = std::stoll(s, &used);
      if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::string string_param(const json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

// reply_markup and reply_parameters come as objects in JSON and as JSON
// text in a form.
json object_param(const json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end()) return nullptr;
  if (it->is_string()) {
    json j = json::parse(it->get<std::string>(), nullptr, false);
    return j.is_discarded() ? json(nullptr) : j;
  }
  return *it;
}

bool is_send(const std::string& method) {
  return method.rfind("send", 0) == 0 || method == "editMessageText" || method == "copyMessage" ||
         method == "forwardMessage";
}

std::string update_type(const json& update) {
  for (auto& [key, value] : update.items())
    if (key != "update_id") return key;
  return "";
}

bool allowed_by_default(const std::string& type) {
  return type != "chat_member" && type != "message_reaction" && type != "message_reaction_count";
}

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

MockBotApi::MockBotApi(std::string token, int64_t first_update_id)
    : token_(std::move(token)), next_update_id_(first_update_id) {
  // Long polls hold a thread each for their whole wait.
  server_.new_task_queue = [] { return new httplib::ThreadPool(16); };
  server_.Post(R"(/bot([^/]*)/([A-Za-z]+))", [this](const httplib::Request& q, httplib::Response& r) { handle(q, r); });
  server_.Get(R"(/bot([^/]*)/([A-Za-z]+))", [this](const httplib::Request& q, httplib::Response& r) { handle(q, r); });
  server_.Get(R"(/file/bot([^/]*)/(.+))",
              [this](const httplib::Request& q, httplib::Response& r) { serve_file(q, r); });
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("mock Bot API: cannot bind a loopback port");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

MockBotApi::~MockBotApi() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  updates_cv_.notify_all();  // long polls answer now, so stop() does not wait for them
  server_.stop();
  thread_.join();
}

int64_t MockBotApi::push_update(json update) {
  int64_t id;
  {
    std::lock_guard lk(mu_);
    id = next_update_id_++;
    update["update_id"] = id;
    updates_.push_back(std::move(update));
  }
  updates_cv_.notify_all();
  return id;
}

size_t MockBotApi::pending_updates() const {
  std::lock_guard lk(mu_);
  return updates_.size();
}

int MockBotApi::conflicts() const {
  std::lock_guard lk(mu_);
  return conflicts_;
}

std::string MockBotApi::add_file(const std::string& file_id, const std::string& bytes) {
  std::lock_guard lk(mu_);
  std::string path = "documents/file_" + std::to_string(next_file_++) + ".bin";
  files_by_id_[file_id] = path;
  files_by_path_[path] = bytes;
  return path;
}

void MockBotApi::set_webhook(const std::string& url) {
  std::lock_guard lk(mu_);
  webhook_ = url;
}

void MockBotApi::fail_next(const std::string& method, int status, const std::string& description,
                           std::optional<int> retry_after) {
  std::lock_guard lk(mu_);
  faults_[method].push_back({status, description, retry_after});
}

void MockBotApi::block_chat(int64_t chat_id) {
  std::lock_guard lk(mu_);
  blocked_.insert(chat_id);
}

void MockBotApi::rate_limit(int per_chat, int overall, int retry_after_s) {
  std::lock_guard lk(mu_);
  per_chat_limit_ = per_chat;
  overall_limit_ = overall;
  limit_retry_after_ = retry_after_s;
}

std::vector<Call> MockBotApi::calls(const std::string& method) const {
  std::lock_guard lk(mu_);
  std::vector<Call> out;
  for (const auto& c : calls_)
    if (method.empty() || c.method == method) out.push_back(c);
  return out;
}

std::vector<json> MockBotApi::messages_to(int64_t chat_id) const {
  std::lock_guard lk(mu_);
  auto it = chats_.find(chat_id);
  return it == chats_.end() ? std::vector<json>{} : it->second;
}

bool MockBotApi::wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout) const {
  auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void MockBotApi::handle(const httplib::Request& req, httplib::Response& res) {
  Call call;
  call.method = req.matches[2];
  call.at = Clock::now();
  // The parameters, however they came: JSON, a multipart form (file parts
  // apart), or urlencoded form and query fields.
  bool bad_json = false;
  if (req.get_header_value("Content-Type").rfind("application/json", 0) == 0) {
    call.params = json::parse(req.body, nullptr, false);
    bad_json = call.params.is_discarded() || !call.params.is_object();
    if (bad_json) call.params = json::object();
  } else if (req.is_multipart_form_data()) {
    for (const auto& [name, part] : req.files) {
      if (part.filename.empty()) call.params[name] = part.content;
      else call.files[name] = {part.filename, part.content_type, part.content};
    }
  }
  for (const auto& [name, value] : req.params) call.params[name] = value;

  Answer answer;
  {
    std::unique_lock lk(mu_);
    size_t index = calls_.size();
    calls_.push_back(call);
    if (req.matches[1] != token_) answer = {401, error_body(401, "Unauthorized")};
    else if (bad_json) answer = {400, error_body(400, "Bad Request: can't parse JSON")};
    else answer = dispatch(call.method, call, lk);
    calls_[index].status = answer.status;
  }
  res.status = answer.status;
  res.set_content(answer.body.dump(), "application/json");
}

void MockBotApi::serve_file(const httplib::Request& req, httplib::Response& res) {
  Call call;
  call.method = "downloadFile";
  call.params = {{"file_path", req.matches[2]}};
  call.at = Clock::now();
  std::lock_guard lk(mu_);
  auto it = files_by_path_.find(req.matches[2]);
  if (req.matches[1] != token_ || it == files_by_path_.end()) {
    // Telegram answers a wrong token here with 404 too.
    call.status = 404;
    res.status = 404;
    res.set_content(error_body(404, "Not Found").dump(), "application/json");
  } else {
    call.status = 200;
    res.status = 200;
    res.set_content(it->second, "application/octet-stream");
  }
  calls_.push_back(std::move(call));
}

MockBotApi::Answer MockBotApi::dispatch(const std::string& method, const Call& call,
                                        std::unique_lock<std::mutex>& lock) {
  if (auto f = faults_.find(method); f != faults_.end() && !f->second.empty()) {
    Fault fault = f->second.front();
    f->second.pop_front();
    return {fault.status, error_body(fault.status, fault.description, fault.retry_after)};
  }
  if (method == "getUpdates") return get_updates(call.params, lock);
  if (method == "getMe") {
    return {200, ok_body({{"id", kBotId},
                          {"is_bot", true},
                          {"first_name", "Mock Digest Bot"},
                          {"username", "mock_digest_bot"},
                          {"can_join_groups", true},
                          {"can_read_all_group_messages", false},
                          {"supports_inline_queries", false}})};
  }
  if (method == "deleteWebhook") {
    webhook_.clear();
    if (call.params.value("drop_pending_updates", false) || string_param(call.params, "drop_pending_updates") == "true")
      updates_.clear();
    return {200, ok_body(true)};
  }
  if (method == "getWebhookInfo")
    return {200,
            ok_body({{"url", webhook_}, {"has_custom_certificate", false}, {"pending_update_count", updates_.size()}})};
  if (method == "answerCallbackQuery") {
    if (string_param(call.params, "callback_query_id").empty())
      return {400,
              error_body(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")};
    return {200, ok_body(true)};
  }
  if (method == "getFile") {
    auto it = files_by_id_.find(string_param(call.params, "file_id"));
    if (it == files_by_id_.end()) return {400, error_body(400, "Bad Request: invalid file_id")};
    return {200, ok_body({{"file_id", it->first},
                          {"file_unique_id", "u-" + it->first},
                          {"file_size", files_by_path_[it->second].size()},
                          {"file_path", it->second}})};
  }
  if (is_send(method)) return send(method, call);
  return {404, error_body(404, "Not Found: method not found")};
}

MockBotApi::Answer MockBotApi::get_updates(const json& params, std::unique_lock<std::mutex>& lock) {
  if (!webhook_.empty()) {
    return {409, error_body(409,
                            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                            "to delete the webhook first")};
  }
  // Telegram keeps one poll per bot: a new one ends the one in flight with 409.
  uint64_t mine = ++poll_generation_;
  if (polls_in_flight_ > 0) updates_cv_.notify_all();
  ++polls_in_flight_;
  struct InFlight {
    int& n;
    ~InFlight() { --n; }
  } in_flight{polls_in_flight_};

  if (auto offset = integer_param(params, "offset")) {
    if (*offset > 0) {
      while (!updates_.empty() && updates_.front()["update_id"].get<int64_t>() < *offset) updates_.pop_front();
    } else if (*offset < 0) {
      // -n: the last n updates; everything before is forgotten.
      while (static_cast<int64_t>(updates_.size()) > -*offset) updates_.pop_front();
    }
  }
  if (auto it = params.find("allowed_updates"); it != params.end()) {
    json list = object_param(params, "allowed_updates");
    if (list.is_array() && !list.empty()) {
      allowed_updates_ = std::set<std::string>{};
      for (auto& t : list)
        if (t.is_string()) allowed_updates_->insert(t.get<std::string>());
    } else if (list.is_array()) {
      allowed_updates_.reset();
    }
  }
  int64_t limit = std::clamp<int64_t>(integer_param(params, "limit").value_or(100), 1, 100);
  double timeout_s = 0;
  if (auto it = params.find("timeout"); it != params.end()) {
    if (it->is_number()) timeout_s = it->get<double>();
    else if (it->is_string()) timeout_s = std::atof(it->get<std::string>().c_str());
  }
  auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(std::max(0.0, timeout_s) * 1000));

  auto allowed = [&](const json& u) {
    auto type = update_type(u);
    return allowed_updates_ ? allowed_updates_->count(type) > 0 : allowed_by_default(type);
  };
  for (;;) {
    // Updates of a type the bot does not take are never delivered.
    updates_.erase(std::remove_if(updates_.begin(), updates_.end(), [&](const json& u) { return !allowed(u); }),
                   updates_.end());
    if (poll_generation_ != mine) {
      ++conflicts_;
      return {409, error_body(409,
                              "Conflict: terminated by other getUpdates request; make sure that only one bot "
                              "instance is running")};
    }
    if (!updates_.empty() || stopping_ || Clock::now() >= deadline) break;
    updates_cv_.wait_until(lock, deadline);
  }
  json result = json::array();
  for (size_t k = 0; k < updates_.size() && static_cast<int64_t>(k) < limit; ++k) result.push_back(updates_[k]);
  return {200, ok_body(std::move(result))};
}

std::optional<MockBotApi::Answer> MockBotApi::throttle(int64_t chat_id) {
  auto now = Clock::now();
  while (!recent_sends_.empty() && now - recent_sends_.front().first >= std::chrono::seconds(1))
    recent_sends_.pop_front();
  if (per_chat_limit_ > 0 || overall_limit_ > 0) {
    int64_t to_chat =
        std::count_if(recent_sends_.begin(), recent_sends_.end(), [&](const auto& s) { return s.second == chat_id; });
    bool over = (per_chat_limit_ > 0 && to_chat >= per_chat_limit_) ||
                (overall_limit_ > 0 && static_cast<int64_t>(recent_sends_.size()) >= overall_limit_);
    if (over) {
      return Answer{429, error_body(429, "Too Many Requests: retry after " + std::to_string(limit_retry_after_),
                                    limit_retry_after_)};
    }
  }
  recent_sends_.emplace_back(now, chat_id);
  return std::nullopt;
}

json MockBotApi::new_message(int64_t chat_id) {
  json chat = chat_id > 0 ? json{{"id", chat_id}, {"type", "private"}, {"first_name", "Test"}}
                          : json{{"id", chat_id}, {"type", "supergroup"}, {"title", "Test group"}};
  return {
      {"message_id", ++next_message_id_[chat_id]},
      {"from", {{"id", kBotId}, {"is_bot", true}, {"first_name", "Mock Digest Bot"}, {"username", "mock_digest_bot"}}},
      {"chat", chat},
      {"date", unix_now()}};
}

MockBotApi::Answer MockBotApi::send(const std::string& method, const Call& call) {
  auto chat_id = integer_param(call.params, "chat_id");
  if (!chat_id) return {400, error_body(400, "Bad Request: chat not found")};
  if (blocked_.count(*chat_id)) return {403, error_body(403, "Forbidden: bot was blocked by the user")};
  if (auto limited = throttle(*chat_id)) return *limited;
  if (method == "editMessageText") return edit_message_text(call);
  if (method == "sendChatAction") return {200, ok_body(true)};

  // The text or caption as Telegram parses it.
  const bool is_text = method == "sendMessage";
  const std::string raw = string_param(call.params, is_text ? "text" : "caption");
  std::string text = raw;
  size_t length = utf16_length(raw);
  if (string_param(call.params, "parse_mode") == "HTML") {
    auto parsed = parse_html(raw);
    if (parsed.error) return {400, error_body(400, "Bad Request: can't parse entities: " + *parsed.error)};
    text = parsed.text;
    length = parsed.length;
  }
  json message = new_message(*chat_id);
  if (is_text) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
      return {400, error_body(400, "Bad Request: message text is empty")};
    if (length > 4096) return {400, error_body(400, "Bad Request: message is too long")};
    message["text"] = text;
  } else {
    if (length > 1024) return {400, error_body(400, "Bad Request: message caption is too long")};
    if (!text.empty()) message["caption"] = text;
    if (method == "sendAudio" || method == "sendDocument" || method == "sendVoice") {
      const std::string field = method == "sendAudio" ? "audio" : method == "sendDocument" ? "document" : "voice";
      auto part = call.files.find(field);
      if (part == call.files.end())
        return {400, error_body(400, "Bad Request: there is no " + field + " in the request")};
      if (part->second.bytes.empty()) return {400, error_body(400, "Bad Request: file must be non-empty")};
      std::string file_id = field + "-" + std::to_string(next_file_);
      std::string path = field + "s/file_" + std::to_string(next_file_++) + ".bin";
      files_by_id_[file_id] = path;
      files_by_path_[path] = part->second.bytes;
      json file = {{"file_id", file_id},
                   {"file_unique_id", "u-" + file_id},
                   {"file_name", part->second.filename},
                   {"mime_type", part->second.content_type},
                   {"file_size", part->second.bytes.size()}};
      if (method != "sendDocument") file["duration"] = integer_param(call.params, "duration").value_or(0);
      if (method == "sendAudio") {
        if (call.params.contains("title")) file["title"] = string_param(call.params, "title");
        if (call.params.contains("performer")) file["performer"] = string_param(call.params, "performer");
      }
      message[field] = file;
    }
  }
  if (json markup = object_param(call.params, "reply_markup"); !markup.is_null()) message["reply_markup"] = markup;
  std::optional<int64_t> reply_to = integer_param(call.params, "reply_to_message_id");
  if (json rp = object_param(call.params, "reply_parameters"); rp.is_object())
    reply_to = integer_param(rp, "message_id");
  if (reply_to) message["reply_to_message"] = {{"message_id", *reply_to}, {"chat", message["chat"]}};
  chats_[*chat_id].push_back(message);
  return {200, ok_body(message)};
}

MockBotApi::Answer MockBotApi::edit_message_text(const Call& call) {
  auto chat_id = integer_param(call.params, "chat_id");
  auto message_id = integer_param(call.params, "message_id");
  auto chat = chats_.find(*chat_id);
  json* message = nullptr;
  if (chat != chats_.end() && message_id) {
    for (auto& m : chat->second)
      if (m["message_id"] == *message_id) message = &m;
  }
  if (!message || !message->contains("text")) return {400, error_body(400, "Bad Request: message to edit not found")};
  std::string text = string_param(call.params, "text");
  size_t length = utf16_length(text);
  if (string_param(call.params, "parse_mode") == "HTML") {
    auto parsed = parse_html(text);
    if (parsed.error) return {400, error_body(400, "Bad Request: can't parse entities: " + *parsed.error)};
    text = parsed.text;
    length = parsed.length;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return {400, error_body(400, "Bad Request: message text is empty")};
  if (length > 4096) return {400, error_body(400, "Bad Request: message is too long")};
  json markup = object_param(call.params, "reply_markup");
  json current_markup = message->value("reply_markup", json(nullptr));
  if ((*message)["text"] == text && markup == current_markup) {
    return {400, error_body(400,
                            "Bad Request: message is not modified: specified new message content and reply "
                            "markup are exactly the same as a current content and reply markup of the message")};
  }
  (*message)["text"] = text;
  if (markup.is_null()) message->erase("reply_markup");
  else (*message)["reply_markup"] = markup;
  (*message)["edit_date"] = unix_now();
  return {200, ok_body(*message)};
}

}  // namespace td::telegram::test
