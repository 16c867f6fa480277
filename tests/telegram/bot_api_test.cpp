// td::telegram::BotApi against the mock Bot API (and, for answers the mock
// does not give, small loopback servers): every method, long polling and
// its offsets, the errors Telegram gives as fields, and the token kept out
// of every message and log line.
#include <doctest/doctest.h>

#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include "support/loopback_server.h"

#include <chrono>
#include <functional>
#include <future>
#include <sstream>
#include <string>
#include <thread>

#include "telegram/bot_api.h"
#include "telegram/builders.h"
#include "telegram/mock_bot_api.h"

using namespace std::chrono_literals;
using nlohmann::json;
using td::telegram::ApiError;
using td::telegram::BotApi;
using td::telegram::test::MockBotApi;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The ApiError `f` throws; a doctest failure when it throws none.
ApiError error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e;
  }
  FAIL("no ApiError thrown");
  throw std::logic_error("unreachable");
}

using td::test::LoopbackServer;

// Everything logged while it lives, at every level.
struct LogCapture {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  LogCapture() {
    auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous); }
  std::string text() {
    spdlog::default_logger()->flush();
    return out.str();
  }
};

const int64_t kChat = 777001;

}  // namespace

TEST_CASE("bot api: getMe, and calls go to <base>/bot<token>/<method> as JSON") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  json me = api.get_me();
  CHECK(me["id"] == MockBotApi::kBotId);
  CHECK(me["username"] == "mock_digest_bot");
  CHECK(me["is_bot"] == true);
  auto calls = mock.calls("getMe");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].status == 200);
  // call() itself, for a method without a helper.
  CHECK(api.call("getWebhookInfo", nullptr)["url"] == "");
}

TEST_CASE("bot api: sendMessage sends HTML, markup, a reply and no link preview, and returns the Message") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  json keyboard = {{"inline_keyboard", {{{{"text", "Audio"}, {"callback_data", "audio:yt:x"}}}}}};
  json m1 = api.send_message(kChat, "<b>Digest</b> &amp; more", "HTML", keyboard, 41);
  CHECK(m1["message_id"] == 1);
  CHECK(m1["chat"]["id"] == kChat);
  CHECK(m1["text"] == "Digest & more");  // Telegram answers the parsed text
  CHECK(m1["reply_markup"] == keyboard);
  CHECK(m1["reply_to_message"]["message_id"] == 41);
  json m2 = api.send_message(kChat, "plain <not a tag>", "");
  CHECK(m2["message_id"] == 2);
  CHECK(m2["text"] == "plain <not a tag>");

  auto calls = mock.calls("sendMessage");
  REQUIRE(calls.size() == 2);
  const json& p = calls[0].params;
  CHECK(p["chat_id"] == kChat);
  CHECK(p["text"] == "<b>Digest</b> &amp; more");
  CHECK(p["parse_mode"] == "HTML");
  CHECK(p["reply_markup"] == keyboard);
  CHECK(p["reply_parameters"] == json{{"message_id", 41}, {"allow_sending_without_reply", true}});
  CHECK(p["link_preview_options"] == json{{"is_disabled", true}});
  CHECK_FALSE(calls[1].params.contains("parse_mode"));
  CHECK_FALSE(calls[1].params.contains("reply_markup"));
  CHECK(mock.messages_to(kChat).size() == 2);
}

TEST_CASE("bot api: text that is not valid UTF-8 is sent with U+FFFD, not refused by the JSON encoder") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  json m = api.send_message(kChat, "caf\xC3 ok", "");
  CHECK(m["text"] == "caf\xEF\xBF\xBD ok");
}

TEST_CASE("bot api: editMessageText edits; 'message is not modified' is success, returning null") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  json sent = api.send_message(kChat, "Working: <i>ingest</i>");
  int64_t id = sent["message_id"];
  json edited = api.edit_message_text(kChat, id, "Done: <b>3 summaries</b>");
  CHECK(edited["text"] == "Done: 3 summaries");
  CHECK(edited.contains("edit_date"));
  CHECK(api.edit_message_text(kChat, id, "Done: <b>3 summaries</b>").is_null());
  CHECK(mock.calls("editMessageText").back().status == 400);
  CHECK(mock.messages_to(kChat).at(0)["text"] == "Done: 3 summaries");

  // Other 400s still throw.
  auto e = error_of([&] { api.edit_message_text(kChat, 999, "x"); });
  CHECK(e.http_status() == 400);
  CHECK(e.reason() == "telegram_bad_request");
  CHECK(e.permanent());
  CHECK_FALSE(e.not_modified());
  CHECK(std::string(e.what()) == "Telegram editMessageText: HTTP 400 (Bad Request: message to edit not found)");
}

TEST_CASE("bot api: sendAudio uploads the MP3 as multipart, byte for byte") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  // Every byte value, CRLFs and boundary-like lines included.
  std::string mp3 = "ID3\x03";
  for (int round = 0; round < 300; ++round)
    for (int b = 0; b < 256; ++b) mp3 += static_cast<char>(b);
  mp3 += "\r\n--tubedigest-\r\n\r\n--";
  json m = api.send_audio(kChat, mp3, "Rick \"Astley\" / résumé", "tubedigest", 212, "<b>audio-fr</b>:beginner");
  auto calls = mock.calls("sendAudio");
  REQUIRE(calls.size() == 1);
  REQUIRE(calls[0].files.count("audio") == 1);
  const auto& part = calls[0].files.at("audio");
  CHECK(part.bytes.size() == mp3.size());
  CHECK(part.bytes == mp3);
  CHECK(part.content_type == "audio/mpeg");
  const json& p = calls[0].params;
  CHECK(p["chat_id"] == std::to_string(kChat));
  CHECK(p["title"] == "Rick \"Astley\" / résumé");
  CHECK(p["performer"] == "tubedigest");
  CHECK(p["duration"] == "212");
  CHECK(p["caption"] == "<b>audio-fr</b>:beginner");
  CHECK(p["parse_mode"] == "HTML");

  CHECK(m["audio"]["file_size"] == mp3.size());
  CHECK(m["audio"]["duration"] == 212);
  CHECK(m["audio"]["title"] == "Rick \"Astley\" / résumé");
  CHECK(m["audio"]["performer"] == "tubedigest");
  CHECK(m["caption"] == "audio-fr:beginner");
  // The uploaded file can be fetched back the way Telegram serves it.
  auto f = api.get_file(m["audio"]["file_id"]);
  CHECK(api.download_file(f.file_path, mp3.size()) == mp3);
}

TEST_CASE("bot api: call_multipart sends fields and a document; an empty file is Telegram's 400") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  json m = api.call_multipart("sendDocument", {{"chat_id", std::to_string(kChat)}, {"caption", "a \"quoted\"\r\nline"}},
                              "document", "transcript.txt", "text/plain", "hello\r\nworld");
  CHECK(m["document"]["file_name"] == "transcript.txt");
  auto call = mock.calls("sendDocument").at(0);
  CHECK(call.params["caption"] == "a \"quoted\"\r\nline");
  CHECK(call.files.at("document").bytes == "hello\r\nworld");

  auto e = error_of([&] {
    api.call_multipart("sendDocument", {{"chat_id", std::to_string(kChat)}}, "document", "empty.txt", "text/plain", "");
  });
  CHECK(e.http_status() == 400);
  CHECK(e.description() == "Bad Request: file must be non-empty");
}

TEST_CASE("bot api: answerCallbackQuery, getFile and download_file with max_bytes") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  api.answer_callback_query("cbq-1", "Queued");
  api.answer_callback_query("cbq-2");
  auto calls = mock.calls("answerCallbackQuery");
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].params == json{{"callback_query_id", "cbq-1"}, {"text", "Queued"}});
  CHECK(calls[1].params == json{{"callback_query_id", "cbq-2"}});

  std::string bytes(1000, 'x');
  std::string path = mock.add_file("doc-1", bytes);
  auto f = api.get_file("doc-1");
  CHECK(f.file_id == "doc-1");
  CHECK(f.file_path == path);
  CHECK(f.file_size == 1000);
  CHECK(api.download_file(f.file_path, 1000) == bytes);
  auto e = error_of([&] { api.download_file(f.file_path, 999); });
  CHECK(e.reason() == "telegram_file_too_large");
  CHECK(e.permanent());
  CHECK(std::string(e.what()) == "Telegram file download: the file is larger than 999 bytes");

  auto missing = error_of([&] { api.download_file("documents/nope.bin", 1000); });
  CHECK(missing.http_status() == 404);
  CHECK(missing.reason() == "telegram_not_found");
  auto bad_id = error_of([&] { api.get_file("nope"); });
  CHECK(bad_id.description() == "Bad Request: invalid file_id");
}

TEST_CASE("bot api: a long poll returns as soon as an update arrives") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 2s);
  auto start = std::chrono::steady_clock::now();
  std::thread pusher([&] {
    std::this_thread::sleep_for(300ms);
    mock.push_update(td::telegram::test::text_message_update(5, 5, "/start"));
  });
  json updates = api.get_updates(0, 20);
  pusher.join();
  double took = seconds_since(start);
  REQUIRE(updates.size() == 1);
  CHECK(updates[0]["update_id"] == 100000);
  CHECK(updates[0]["message"]["text"] == "/start");
  CHECK(took >= 0.25);
  CHECK(took < 5);
  auto p = mock.calls("getUpdates").at(0).params;
  CHECK(p["timeout"] == 20);
  CHECK(p["offset"] == 0);
  CHECK_FALSE(p.contains("allowed_updates"));
}

TEST_CASE("bot api: a long poll longer than the request timeout waits it out and returns empty") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 500ms);
  auto start = std::chrono::steady_clock::now();
  json updates = api.get_updates(0, 2, {"message", "callback_query"});
  double took = seconds_since(start);
  CHECK(updates.is_array());
  CHECK(updates.empty());
  CHECK(took >= 1.9);
  CHECK(took < 4.5);
  CHECK(mock.calls("getUpdates").at(0).params["allowed_updates"] == json{"message", "callback_query"});
}

TEST_CASE("bot api: an offset confirms the updates below it; limit caps the answer") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  for (const char* text : {"m0", "m1", "m2"}) mock.push_update(td::telegram::test::text_message_update(5, 5, text));
  json first = api.get_updates(0, 0, {}, 2);
  REQUIRE(first.size() == 2);
  CHECK(first[0]["update_id"] == 100000);
  CHECK(first[1]["update_id"] == 100001);
  // Not confirmed yet: asked again, the same updates come back.
  CHECK(api.get_updates(0, 0).size() == 3);
  json rest = api.get_updates(first[1]["update_id"].get<int64_t>() + 1, 0);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0]["message"]["text"] == "m2");
  CHECK(mock.pending_updates() == 1);
  CHECK(api.get_updates(100003, 0).empty());
  CHECK(mock.pending_updates() == 0);
}

TEST_CASE("bot api: a second poller ends the first with 409, and the mock counts it") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 2s);
  auto first = std::async(std::launch::async, [&] {
    try {
      api.get_updates(0, 10);
      return std::string("returned");
    } catch (const ApiError& e) {
      return std::string(e.conflict() ? "conflict" : e.what());
    }
  });
  REQUIRE(mock.wait_for([&] { return mock.calls("getUpdates").size() == 1; }, 5s));
  std::this_thread::sleep_for(100ms);
  json second = api.get_updates(0, 0);
  CHECK(second.empty());
  CHECK(first.get() == "conflict");
  CHECK(mock.conflicts() == 1);

  auto e = error_of([&] {
    mock.fail_next("getUpdates", 409,
                   "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
    api.get_updates(0, 0);
  });
  CHECK(e.conflict());
  CHECK(e.reason() == "telegram_conflict");
  CHECK_FALSE(e.permanent());
  CHECK_FALSE(e.retryable());
}

TEST_CASE("bot api: a webhook makes getUpdates 409 until delete_webhook") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  mock.set_webhook("https://example.org/hook");
  auto e = error_of([&] { api.get_updates(0, 0); });
  CHECK(e.conflict());
  CHECK(e.description().find("webhook is active") != std::string::npos);
  api.delete_webhook();
  CHECK(api.get_updates(0, 0).empty());
  CHECK(mock.calls("deleteWebhook").at(0).params["drop_pending_updates"] == false);
}

TEST_CASE("bot api: a wrong token is 401, permanent, and neither token shows in the message") {
  MockBotApi mock;
  const std::string wrong = "999999:WRONG-secret-token_value";
  BotApi api(mock.base_url(), wrong, 5s);
  LogCapture log;
  auto e = error_of([&] { api.get_me(); });
  CHECK(e.unauthorized());
  CHECK(e.http_status() == 401);
  CHECK(e.error_code() == 401);
  CHECK(e.description() == "Unauthorized");
  CHECK(e.reason() == "telegram_unauthorized");
  CHECK(e.permanent());
  CHECK(std::string(e.what()) == "Telegram getMe: HTTP 401 (Unauthorized)");
  CHECK(std::string(e.what()).find(wrong) == std::string::npos);
  CHECK(log.text().find("getMe") != std::string::npos);  // it does log, at debug
  CHECK(log.text().find(wrong) == std::string::npos);
}

TEST_CASE("bot api: 429 carries retry_after; 403 is blocked(); 500 is retryable") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  mock.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", 3);
  auto e = error_of([&] { api.send_message(kChat, "hi"); });
  CHECK(e.rate_limited());
  CHECK(e.retryable());
  CHECK_FALSE(e.permanent());
  CHECK(e.reason() == "telegram_rate_limited");
  CHECK(e.retry_after() == std::chrono::seconds(3));
  CHECK(std::string(e.what()) == "Telegram sendMessage: HTTP 429 (Too Many Requests: retry after 3)");

  mock.block_chat(kChat);
  auto b = error_of([&] { api.send_message(kChat, "hi"); });
  CHECK(b.blocked());
  CHECK(b.permanent());
  CHECK_FALSE(b.retryable());
  CHECK(b.reason() == "telegram_forbidden");
  CHECK(b.description() == "Forbidden: bot was blocked by the user");
  CHECK(api.send_message(kChat + 1, "another chat")["chat"]["id"] == kChat + 1);

  mock.fail_next("getMe", 500, "Internal Server Error");
  auto s = error_of([&] { api.get_me(); });
  CHECK(s.retryable());
  CHECK(s.reason() == "telegram_unavailable");
  CHECK_FALSE(s.permanent());
  CHECK(s.http_status() == 500);
}

TEST_CASE("bot api: migrate_to_chat_id, a non-JSON 502, and a token echoed by the server are handled") {
  const std::string token = "123:SECRET-echoed";
  LoopbackServer srv([&](httplib::Server& s) {
    s.Post("/bot123:SECRET-echoed/sendMessage", [](const httplib::Request&, httplib::Response& res) {
      res.status = 400;
      res.set_content(R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a )"
                      R"(supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}})",
                      "application/json");
    });
    s.Post("/bot123:SECRET-echoed/getMe", [](const httplib::Request&, httplib::Response& res) {
      res.status = 502;
      res.set_content("<html>\r\n<h1>502 Bad Gateway</h1></html>", "text/html");
    });
    s.Post("/bot123:SECRET-echoed/getWebhookInfo", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<html>Sign in to the hotel Wi-Fi</html>", "text/html");
    });
    s.Post("/bot123:SECRET-echoed/getChat", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 404;
      res.set_content(json{{"ok", false}, {"error_code", 404}, {"description", "Not Found: " + req.path}}.dump(),
                      "application/json");
    });
  });
  BotApi api(srv.base(), token, 5s);
  LogCapture log;
  auto m = error_of([&] { api.send_message(-4001, "hi"); });
  CHECK(m.migrate_to_chat_id() == -1001234567890);
  CHECK(m.reason() == "telegram_bad_request");

  auto g = error_of([&] { api.get_me(); });
  CHECK(g.http_status() == 502);
  CHECK(g.retryable());
  CHECK(std::string(g.what()) == "Telegram getMe: HTTP 502 (<html>  <h1>502 Bad Gateway</h1></html>)");

  auto portal = error_of([&] { api.call("getWebhookInfo", nullptr); });
  CHECK(portal.http_status() == 200);
  CHECK(portal.reason() == "telegram_unavailable");
  CHECK(portal.retryable());
  CHECK(std::string(portal.what()) == "Telegram getWebhookInfo: HTTP 200 answer is not the Bot API's JSON");

  auto c = error_of([&] { api.call("getChat", {{"chat_id", 1}}); });
  CHECK(std::string(c.what()) == "Telegram getChat: HTTP 404 (Not Found: /bot<token>/getChat)");
  CHECK(c.description().find(token) == std::string::npos);
  CHECK(log.text().find(token) == std::string::npos);
}

TEST_CASE("bot api: nothing listening is a transient ApiError without the token") {
  int port;
  {
    MockBotApi gone;
    port = gone.port();
  }
  const std::string token = MockBotApi::kToken;
  BotApi api("http://127.0.0.1:" + std::to_string(port), token, 2s);
  LogCapture log;
  auto e = error_of([&] { api.send_message(kChat, "hi"); });
  CHECK_FALSE(e.permanent());
  CHECK(e.retryable());
  CHECK(e.reason() == "telegram_unavailable");
  CHECK_FALSE(e.http_status().has_value());
  CHECK(e.error_code() == 0);
  CHECK(e.failure() == td::http::Failure::connect);
  std::string what = e.what();
  CHECK(what.rfind("Telegram sendMessage: ", 0) == 0);
  CHECK(what.find("connection refused") != std::string::npos);
  CHECK(what.find(token) == std::string::npos);
  CHECK(what.find("/bot") == std::string::npos);
  CHECK(log.text().find(token) == std::string::npos);

  auto d = error_of([&] { api.download_file("documents/file_1.bin", 100); });
  CHECK(std::string(d.what()).find(token) == std::string::npos);
  CHECK(d.retryable());

  // A base that is no URL is a setting to fix, not a network failure.
  BotApi misconfigured("api.telegram.org", token, 2s);
  auto m = error_of([&] { misconfigured.get_me(); });
  CHECK(m.reason() == "telegram_config");
  CHECK(m.permanent());
  CHECK_FALSE(m.retryable());
  CHECK(std::string(m.what()) == "Telegram getMe: the API base 'api.telegram.org' is not an http(s) URL");
}

TEST_CASE("bot api: a server that does not answer in time reads 'timed out after', without the URL") {
  LoopbackServer srv([](httplib::Server& s) {
    s.Post(".*", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(1500ms);
      res.set_content(R"({"ok":true,"result":{}})", "application/json");
    });
  });
  BotApi api(srv.base(), "55:slow-token", 500ms);
  auto e = error_of([&] { api.get_me(); });
  CHECK(std::string(e.what()) == "Telegram getMe: timed out after 0.5 s");
  CHECK(e.failure() == td::http::Failure::timeout);
  CHECK(e.retryable());
}
