// The bot in the gateway's runtime (poller + sender) against a real
// PostgreSQL and the mock Bot API on loopback.
#include <thread>

#include <doctest/doctest.h>

#include "metrics/metrics.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "telegram/builders.h"
#include "telegram/mock_bot_api.h"
#include "telegram/runtime.h"
#include "telegram/state.h"

using namespace std::chrono_literals;
using td::telegram::Runtime;
using td::telegram::test::MockBotApi;
using td::telegram::test::text_message_update;

namespace {

constexpr int64_t kOwner = 1001;

struct BotFixture {
  td::test::TestDatabase db{"telegram"};
  std::unique_ptr<pqxx::connection> conn = td::test::migrated_connection(db.url());
  MockBotApi api;

  td::telegram::RuntimeOptions options(const std::string& process = "gw") const {
    td::telegram::RuntimeOptions o;
    o.database_url = db.url();
    o.process = process;
    o.settings.token = api.token();
    o.settings.api_base = api.base_url();
    o.settings.allowed_users = {kOwner};
    o.settings.admin_users = {kOwner};
    o.settings.default_variants = {"comprehensive", "audio"};
    o.long_poll = 1s;
    o.lease = 2s;
    o.sender_poll_interval = 100ms;
    return o;
  }
  int64_t number(const std::string& query) {
    pqxx::read_transaction tx(*conn);
    auto r = tx.exec1(query);
    return r[0].is_null() ? 0 : r[0].as<int64_t>();
  }
  std::vector<std::string> texts_to(int64_t chat) const {
    std::vector<std::string> out;
    for (const auto& m : api.messages_to(chat)) out.push_back(m.value("text", ""));
    return out;
  }
  bool replies(int64_t chat, size_t n, std::chrono::milliseconds timeout = 10s) const {
    return api.wait_for([&] { return api.messages_to(chat).size() >= n; }, timeout);
  }
};

}  // namespace

TEST_CASE_FIXTURE(BotFixture, "Bot: a stranger gets one refusal naming their id, and nothing is queued") {
  Runtime rt(options());
  rt.start();
  api.push_update(text_message_update(777, 777, "https://youtu.be/dQw4w9WgXcQ please"));
  REQUIRE(replies(777, 1));
  std::this_thread::sleep_for(300ms);
  auto texts = texts_to(777);
  REQUIRE(texts.size() == 1);
  CHECK(texts[0].find("777") != std::string::npos);
  CHECK(texts[0].find("TELEGRAM_ALLOWED_USERS") != std::string::npos);
  CHECK(number("SELECT count(*) FROM jobs WHERE kind = 'ingest'") == 0);
  CHECK(td::test::counter(*conn, "telegram_refusals") == 1);
  CHECK(td::test::counter(*conn, "telegram_messages_sent") == 1);
  rt.stop();
}

TEST_CASE_FIXTURE(BotFixture, "Bot: /start explains; links in a message are queued with the default variants") {
  Runtime rt(options());
  rt.start();
  api.push_update(text_message_update(kOwner, kOwner, "/start"));
  REQUIRE(replies(kOwner, 1));
  CHECK(texts_to(kOwner)[0].find("Send me one or more YouTube links") != std::string::npos);

  api.push_update(
      text_message_update(kOwner, kOwner,
                          "two: https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5s and (youtu.be/aaaaaaaaaaa), and a "
                          "playlist https://www.youtube.com/playlist?list=PL123"));
  REQUIRE(replies(kOwner, 4));
  auto texts = texts_to(kOwner);
  CHECK(texts[1] == "Queued: yt:dQw4w9WgXcQ (comprehensive, audio).");
  CHECK(texts[2] == "Queued: yt:aaaaaaaaaaa (comprehensive, audio).");
  CHECK(texts[3].rfind("I cannot take https://www.youtube.com/playlist?list=PL123: ", 0) == 0);
  CHECK(number("SELECT count(*) FROM jobs WHERE kind = 'ingest'") == 2);
  CHECK(number("SELECT count(*) FROM jobs WHERE kind = 'ingest' AND payload::jsonb->'variants' = "
               "'[\"comprehensive\", \"audio\"]'::jsonb") == 2);
  // The same link again: the pending job is reused.
  api.push_update(text_message_update(kOwner, kOwner, "https://youtu.be/dQw4w9WgXcQ"));
  REQUIRE(replies(kOwner, 5));
  CHECK(texts_to(kOwner)[4] == "Already on its way: yt:dQw4w9WgXcQ (comprehensive, audio).");
  CHECK(number("SELECT count(*) FROM jobs WHERE kind = 'ingest'") == 2);
  rt.stop();
}

TEST_CASE_FIXTURE(BotFixture, "Bot: each update is handled once across a restart, and the offset is kept") {
  {
    Runtime rt(options());
    rt.start();
    api.push_update(text_message_update(kOwner, kOwner, "https://youtu.be/dQw4w9WgXcQ"));
    REQUIRE(replies(kOwner, 1));
    rt.stop();
  }
  const auto offset = number("SELECT next_offset FROM telegram_state");
  CHECK(offset > 0);
  {
    Runtime rt(options());
    rt.start();
    api.push_update(text_message_update(kOwner, kOwner, "/help"));
    REQUIRE(replies(kOwner, 2));
    std::this_thread::sleep_for(500ms);
    rt.stop();
  }
  CHECK(texts_to(kOwner).size() == 2);
  CHECK(number("SELECT count(*) FROM jobs WHERE kind = 'ingest'") == 1);
  CHECK(number("SELECT next_offset FROM telegram_state") == offset + 1);

  // A stale poller handing in an update already handled: claimed by nobody.
  pqxx::work tx(*conn);
  CHECK_FALSE(td::telegram::claim_update(tx, MockBotApi::kBotId, offset - 1));
  CHECK(td::telegram::claim_update(tx, MockBotApi::kBotId, offset + 1));
  tx.abort();
}

TEST_CASE_FIXTURE(BotFixture, "Bot: two gateways, one poller, no 409; the other takes over when it stops") {
  auto a = std::make_unique<Runtime>(options("gw-a"));
  auto b = std::make_unique<Runtime>(options("gw-b"));
  a->start();
  b->start();
  api.push_update(text_message_update(kOwner, kOwner, "/help"));
  REQUIRE(replies(kOwner, 1));
  std::this_thread::sleep_for(3s);  // three long polls
  CHECK(api.conflicts() == 0);

  std::string first;
  {
    pqxx::read_transaction tx(*conn);
    first = tx.exec1("SELECT holder FROM leader_leases WHERE name = 'telegram'")[0].as<std::string>();
  }
  auto& leader = first.rfind("gw-a", 0) == 0 ? a : b;
  leader->stop();  // gives the lease up
  leader.reset();
  api.push_update(text_message_update(kOwner, kOwner, "/help"));
  REQUIRE(replies(kOwner, 2, 12s));
  CHECK(api.conflicts() == 0);
  CHECK(texts_to(kOwner).size() == 2);
}

TEST_CASE_FIXTURE(BotFixture, "Bot: 429 waits retry_after without failing; 403 stops sending to that chat") {
  api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", 1);
  Runtime rt(options());
  rt.start();
  auto t0 = std::chrono::steady_clock::now();
  api.push_update(text_message_update(kOwner, kOwner, "/help"));
  REQUIRE(replies(kOwner, 1));
  CHECK(std::chrono::steady_clock::now() - t0 >= 1s);
  CHECK(number("SELECT attempts FROM jobs WHERE kind = 'telegram-send'") <= 2);
  CHECK(number("SELECT count(*) FROM jobs WHERE kind = 'telegram-send' AND status = 'done'") == 1);

  api.block_chat(kOwner);
  api.push_update(text_message_update(kOwner, kOwner, "/help"));
  REQUIRE(td::test::eventually(
      [&] { return number("SELECT count(*) FROM jobs WHERE kind = 'telegram-send' AND status = 'done'") == 2; }, 10s));
  std::this_thread::sleep_for(500ms);
  CHECK(api.calls("sendMessage").size() == 3);  // the 429, the delivery, the 403: no retry
  CHECK(number("SELECT count(*) FROM telegram_chats WHERE blocked_at IS NOT NULL") == 1);
  CHECK(td::test::counter(*conn, "telegram_send_errors") == 1);
  rt.stop();
}
