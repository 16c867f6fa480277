// A stand-in for Telegram's Bot API on loopback, for tests of the client and
// of the bot built on it. It knows one token (any other gets 401), holds an
// update queue as Telegram does (getUpdates with offset, timeout, limit and
// allowed_updates; a second poller terminates the first with 409), answers
// the sending methods with Message objects, serves registered files, and
// records every call.
//
// Pollers. Like Telegram, the mock keeps one getUpdates per bot: a new one
// ends the one in flight with 409 "Conflict: terminated by other getUpdates
// request" (the older request is the one that fails) and conflicts() counts
// it. The mock cannot tell that a client went away, so the last poll of a
// killed poller stays in flight until its timeout passes, and a poll by its
// successor within that time ends it and counts as a conflict, as Telegram
// would end it; a test of a handover that expects no conflicts lets the old
// poll's timeout pass first, or uses short poll timeouts.
//
// HTML. sendMessage and editMessageText with parse_mode HTML check the text
// as Telegram does (html_check.h): a tag it does not know, an unclosed or
// crossed tag, a bad entity: 400 "can't parse entities"; more than 4,096
// characters after parsing: 400 "message is too long".
//
// Faults: fail_next() answers the next call of a method with an error;
// block_chat() makes every send to a chat 403; rate_limit() answers 429 with
// retry_after once a chat, or the bot as a whole, sends too fast.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace td::telegram::test {

struct UploadedFile {
  std::string filename;
  std::string content_type;
  std::string bytes;
};

struct Call {
  std::string method;
  // The parameters as sent: the JSON body, or the form or query fields
  // (strings, as Telegram receives them).
  nlohmann::json params = nlohmann::json::object();
  std::map<std::string, UploadedFile> files;  // multipart file parts by field name
  int status = 0;                             // what the mock answered
  std::chrono::steady_clock::time_point at;
};

class MockBotApi {
 public:
  static constexpr const char* kToken = "4242424242:AAF-mock_token-0123456789abcdefXYZ";
  static constexpr int64_t kBotId = 4242424242;

  // Listening on a free loopback port; update_ids start at first_update_id.
  explicit MockBotApi(std::string token = kToken, int64_t first_update_id = 100000);
  ~MockBotApi();
  MockBotApi(const MockBotApi&) = delete;
  MockBotApi& operator=(const MockBotApi&) = delete;

  int port() const { return port_; }
  // What BotApi takes as api_base: "http://127.0.0.1:<port>".
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& token() const { return token_; }

  // Queues an update (without update_id: the mock assigns the next) and
  // wakes a waiting getUpdates; returns the update_id.
  int64_t push_update(nlohmann::json update);
  // Updates queued and not yet confirmed by an offset.
  size_t pending_updates() const;
  // Number of getUpdates answered 409 because of another poller.
  int conflicts() const;

  // A file getFile can describe and /file/bot<token>/<path> serves; returns its file_path.
  std::string add_file(const std::string& file_id, const std::string& bytes);
  // While set, getUpdates answers 409 (deleteWebhook clears it).
  void set_webhook(const std::string& url);

  // The next call of `method` answers this error instead
  // ({"ok":false,"error_code":status,"description":...,"parameters":{"retry_after":n}}).
  // Queued: two calls to fail_next fail the next two calls.
  void fail_next(const std::string& method, int status, const std::string& description,
                 std::optional<int> retry_after = std::nullopt);
  // Every send to the chat answers 403 "Forbidden: bot was blocked by the user".
  void block_chat(int64_t chat_id);
  // More than per_chat sends to one chat, or more than overall sends in all,
  // within the last second: 429 with parameters.retry_after. 0 turns a
  // limit off (the default). Sends are send*, editMessageText, copy/forward.
  void rate_limit(int per_chat, int overall, int retry_after_s = 1);

  // Every call received, or those of one method, in order.
  std::vector<Call> calls(const std::string& method = "") const;
  // The messages the bot has in a chat, in order, as the mock answered them
  // (Message objects; editMessageText updates them in place).
  std::vector<nlohmann::json> messages_to(int64_t chat_id) const;
  // Polls `condition` every 5 ms until it holds or the timeout passes.
  bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout) const;

 private:
  struct Fault {
    int status;
    std::string description;
    std::optional<int> retry_after;
  };
  struct Answer {
    int status = 200;
    nlohmann::json body;
  };

  void handle(const httplib::Request& req, httplib::Response& res);
  void serve_file(const httplib::Request& req, httplib::Response& res);
  Answer dispatch(const std::string& method, const Call& call, std::unique_lock<std::mutex>& lock);
  Answer get_updates(const nlohmann::json& params, std::unique_lock<std::mutex>& lock);
  Answer send(const std::string& method, const Call& call);
  Answer edit_message_text(const Call& call);
  std::optional<Answer> throttle(int64_t chat_id);
  nlohmann::json new_message(int64_t chat_id);

  std::string token_;
  int port_ = 0;
  httplib::Server server_;
  std::thread thread_;

  mutable std::mutex mu_;
  std::condition_variable updates_cv_;
  bool stopping_ = false;
  int64_t next_update_id_;
  std::deque<nlohmann::json> updates_;
  std::optional<std::set<std::string>> allowed_updates_;  // unset: Telegram's default
  uint64_t poll_generation_ = 0;                          // bumped by each getUpdates
  int polls_in_flight_ = 0;
  int conflicts_ = 0;
  std::string webhook_;

  std::vector<Call> calls_;
  std::map<std::string, std::deque<Fault>> faults_;
  std::set<int64_t> blocked_;
  int per_chat_limit_ = 0, overall_limit_ = 0, limit_retry_after_ = 1;
  std::deque<std::pair<std::chrono::steady_clock::time_point, int64_t>> recent_sends_;
  std::map<int64_t, std::vector<nlohmann::json>> chats_;  // the bot's messages per chat
  std::map<int64_t, int64_t> next_message_id_;
  std::map<std::string, std::string> files_by_id_;    // file_id -> file_path
  std::map<std::string, std::string> files_by_path_;  // file_path -> bytes
  int64_t next_file_ = 1;
};

}  // namespace td::telegram::test
