// The mock Bot API's own rules, which tests of the bot rely on: the update
// builders look like Telegram's, allowed_updates and negative offsets work
// as Telegram's do, the rate limiter and the HTML checks answer as Telegram
// does.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "telegram/bot_api.h"
#include "telegram/builders.h"
#include "telegram/html_check.h"
#include "telegram/mock_bot_api.h"
#include "telegram/text.h"

using namespace std::chrono_literals;
using nlohmann::json;
using td::telegram::ApiError;
using td::telegram::BotApi;
using td::telegram::test::MockBotApi;
namespace tt = td::telegram::test;

TEST_CASE("mock: a text message carries bot_command and url entities in UTF-16 offsets") {
  json u =
      tt::text_message_update(11, 11, "😀 /digest@mock_digest_bot https://youtu.be/dQw4w9WgXcQ, and youtube.com/x.");
  const json& m = u["message"];
  CHECK(m["from"]["id"] == 11);
  CHECK(m["chat"]["id"] == 11);
  CHECK(m["chat"]["type"] == "private");
  CHECK(m["message_id"].get<int64_t>() > 0);
  REQUIRE(m["entities"].size() == 3);
  CHECK(m["entities"][0] == json{{"type", "bot_command"}, {"offset", 3}, {"length", 23}});
  CHECK(m["entities"][1] == json{{"type", "url"}, {"offset", 27}, {"length", 28}});
  CHECK(m["entities"][2] == json{{"type", "url"}, {"offset", 61}, {"length", 13}});
  CHECK_FALSE(tt::text_message_update(1, 1, "no links here")["message"].contains("entities"));
  CHECK(tt::text_message_update(1, -100500, "hi")["message"]["chat"]["type"] == "supergroup");
}

TEST_CASE("mock: callback queries and documents look like Telegram's") {
  json c = tt::callback_query_update(11, 11, 5, "audio:yt:dQw4w9WgXcQ");
  CHECK(c["callback_query"]["data"] == "audio:yt:dQw4w9WgXcQ");
  CHECK(c["callback_query"]["from"]["id"] == 11);
  CHECK(c["callback_query"]["message"]["message_id"] == 5);
  CHECK(c["callback_query"]["message"]["from"]["is_bot"] == true);
  CHECK_FALSE(c["callback_query"]["id"].get<std::string>().empty());

  json d = tt::document_message_update(11, 11, "doc-7", "transcript.txt", "text/plain", 1234, "/transcript youtu.be/x");
  CHECK(d["message"]["document"]["file_id"] == "doc-7");
  CHECK(d["message"]["document"]["file_size"] == 1234);
  CHECK(d["message"]["caption"] == "/transcript youtu.be/x");
  CHECK(d["message"]["caption_entities"].size() == 2);
}

TEST_CASE("mock: allowed_updates filters, is remembered, and a negative offset keeps the last updates") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  mock.push_update(tt::text_message_update(1, 1, "a"));
  mock.push_update(tt::callback_query_update(1, 1, 1, "x"));
  mock.push_update({{"chat_member", json::object()}});  // not delivered by default
  auto all = api.get_updates(0, 0);
  REQUIRE(all.size() == 2);
  CHECK(all[1].contains("callback_query"));
  auto only_callbacks = api.get_updates(0, 0, {"callback_query"});
  REQUIRE(only_callbacks.size() == 1);
  mock.push_update(tt::text_message_update(1, 1, "b"));
  CHECK(api.get_updates(0, 0).size() == 1);  // still callback_query only
  mock.push_update(tt::text_message_update(1, 1, "c"));
  mock.push_update(tt::callback_query_update(1, 1, 1, "y"));
  mock.push_update(tt::callback_query_update(1, 1, 1, "z"));
  auto last = api.get_updates(-1, 0);
  REQUIRE(last.size() == 1);
  CHECK(last[0]["callback_query"]["data"] == "z");
}

TEST_CASE("mock: the rate limiter answers 429 with retry_after past N sends a second to a chat") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  mock.rate_limit(2, 0, 1);
  api.send_message(1, "one");
  api.send_message(1, "two");
  api.send_message(2, "other chat");
  std::optional<ApiError> seen;
  try {
    api.send_message(1, "three");
  } catch (const ApiError& e) {
    seen.emplace(e);
  }
  REQUIRE(seen);
  CHECK(seen->rate_limited());
  CHECK(seen->retry_after() == std::chrono::seconds(1));
  std::this_thread::sleep_for(1100ms);
  CHECK(api.send_message(1, "three")["message_id"] == 3);

  mock.rate_limit(0, 3, 2);
  std::this_thread::sleep_for(1100ms);
  for (int c = 10; c < 13; ++c) api.send_message(c, "x");
  try {
    api.send_message(20, "x");
    FAIL("no 429");
  } catch (const ApiError& e) {
    CHECK(e.retry_after() == std::chrono::seconds(2));
  }
}

TEST_CASE("mock: HTML Telegram cannot parse, and texts too long, are 400s") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  for (const char* bad : {"<b>open", "<b><i>crossed</b></i>", "<div>x</div>", "a < b", "<a>no href</a>"}) {
    CAPTURE(bad);
    try {
      api.send_message(1, bad);
      FAIL("accepted");
    } catch (const ApiError& e) {
      CHECK(e.http_status() == 400);
      CHECK(e.description().rfind("Bad Request: can't parse entities: ", 0) == 0);
    }
  }
  // 4,096 characters after parsing are fine, whatever the markup adds.
  std::string long_ok = "<b>" + std::string(4000, 'a') + "</b>" + std::string(96, '&');
  CHECK(tt::parse_html(long_ok).length == 4096);
  CHECK_NOTHROW(api.send_message(1, long_ok));
  try {
    api.send_message(1, std::string(4097, 'a'));
    FAIL("accepted");
  } catch (const ApiError& e) {
    CHECK(e.description() == "Bad Request: message is too long");
  }
  try {
    api.send_message(1, " \n ");
    FAIL("accepted");
  } catch (const ApiError& e) {
    CHECK(e.description() == "Bad Request: message text is empty");
  }
}

TEST_CASE("mock: every part split_message makes is accepted") {
  MockBotApi mock;
  BotApi api(mock.base_url(), mock.token(), 5s);
  std::string html;
  for (int i = 0; i < 400; ++i)
    html += "<b>Point " + std::to_string(i) + "</b>: <i>" + td::telegram::escape_html("a < b & c") +
            "</i> <a href=\"https://youtu.be/dQw4w9WgXcQ\">watch</a>.\n";
  auto parts = td::telegram::split_message(html);
  REQUIRE(parts.size() >= 5);
  for (const auto& part : parts) CHECK_NOTHROW(api.send_message(1, part));
  CHECK(mock.messages_to(1).size() == parts.size());
}
