// The dashboard page in headless Chromium: its EventSource receives events,
// resumes across a gateway restart without losing what happened meanwhile,
// and its cards follow report-deleted. This is the browser the issue names
// ("Browsers' EventSource ... must work with it unchanged"), not our parser.
#include <doctest/doctest.h>

#include <csignal>
#include <functional>

#include "browser/cdp.h"
#include "events/outbox.h"
#include "gateway/fixture.h"
#include "sse/test_server.h"

using namespace td;
using namespace td::test;
using namespace std::chrono_literals;

namespace {

int64_t emit(pqxx::connection& c, const std::string& type, const std::string& video) {
  pqxx::work tx(c);
  auto id = events::emit(tx, type, video, nlohmann::json::object());
  tx.commit();
  return id;
}

// Re-evaluates `expr` until pred(value) holds or `timeout` passes; returns
// the last value.
nlohmann::json eval_until(Chromium& b, const std::string& session, const std::string& expr,
                          const std::function<bool(const nlohmann::json&)>& pred, std::chrono::milliseconds timeout) {
  nlohmann::json v;
  wait_for([&] { return pred(v = b.eval(session, expr)); }, timeout);
  return v;
}

const char* kStatus = "document.getElementById('status')?.textContent ?? ''";  // null while loading
const char* kCards = "document.querySelectorAll('.card').length";

}  // namespace

TEST_CASE("dashboard in Chromium: live events, resume across a gateway restart, cards follow deletes") {
  std::signal(SIGPIPE, SIG_IGN);
  TestDatabase db("browser");
  auto conn = migrated_connection(db.url());
  const std::string video = "yt:aaaaaaaaaaa";
  seed_report(*conn, video, {"comprehensive"});

  auto options = gateway_options(db.url());
  options.sse.retry = 300ms;  // the browser reconnects this long after a drop
  auto gw = std::make_unique<gateway::Gateway>(options);
  const int port = gw->bind("127.0.0.1", 0);
  gw->start();

  Chromium browser;
  const auto tab = browser.open("http://127.0.0.1:" + std::to_string(port) + "/");
  auto status = eval_until(
      browser, tab, kStatus, [](auto& v) { return v == "live"; }, 15s);
  REQUIRE(status == "live");
  CHECK(eval_until(
            browser, tab, kCards, [](auto& v) { return v == 1; }, 10s) == 1);

  emit(*conn, "report-updated", video);
  status = eval_until(
      browser, tab, kStatus, [](auto& v) { return v != "live"; }, 10s);
  CHECK(status == "live · report-updated " + video);

  // A variant stored from a fallback summarizer is marked on its card.
  CHECK(browser.eval(tab, "document.querySelectorAll('.badge.fallback').length") == 0);
  {
    pqxx::work tx(*conn);
    tx.exec_params("UPDATE summaries SET provider = 'extractive', guardrail = $2::jsonb WHERE video_id = $1", video,
                   R"({"attempts": [{"summarizer": "openai", "ok": false, "reason": "llm_auth"},
                         {"summarizer": "extractive", "ok": true}],
            "accepted": {"summarizer": "extractive", "strict": false}})");
    tx.commit();
  }
  emit(*conn, "summary-fallback", video);
  auto badge = eval_until(
      browser, tab, "document.querySelector('.badge.fallback')?.title ?? ''", [](auto& v) { return v != ""; }, 10s);
  CHECK(badge == "summary: openai \u2192 extractive (llm_auth)");

  // The gateway goes away; an event happens while no gateway runs; a new
  // gateway comes up on the same port. The browser resumes by its
  // Last-Event-ID and shows the event it would otherwise have missed.
  gw->stop();
  gw.reset();
  emit(*conn, "audio-ready", video);
  gw = std::make_unique<gateway::Gateway>(options);
  REQUIRE(gw->bind("127.0.0.1", port) == port);
  gw->start();
  status = eval_until(
      browser, tab, kStatus, [&](auto& v) { return v == "live · audio-ready " + video; }, 20s);
  CHECK(status == "live · audio-ready " + video);

  emit(*conn, "report-deleted", video);
  CHECK(eval_until(
            browser, tab, kCards, [](auto& v) { return v == 0; }, 10s) == 0);
  gw->stop();
}

TEST_CASE("dashboard in Chromium: refused at the client cap (503), it opens a new stream once there is room") {
  std::signal(SIGPIPE, SIG_IGN);
  TestDatabase db("browser");
  auto conn = migrated_connection(db.url());
  auto options = gateway_options(db.url());
  options.sse.max_clients = 1;
  options.sse.heartbeat = 200ms;  // a write is what notices the holder's closed socket
  RunningGateway g(options);
  auto holder = std::make_unique<RawClient>(g.port, "/api/report-events");
  REQUIRE(holder->read_until([&] { return !holder->messages.empty(); }, 5s));

  Chromium browser;
  const auto tab = browser.open("http://127.0.0.1:" + std::to_string(g.port) + "/");
  // EventSource fails for good on the 503; the page says so and retries on its own.
  CHECK(eval_until(
            browser, tab, kStatus, [](auto& v) { return v == "reconnecting…"; }, 10s) == "reconnecting…");
  holder.reset();  // frees the only slot
  // The browser must not hold a copy of the holder's socket (cdp.cpp closes
  // inherited descriptors), or the server would never see it close.
  CHECK(wait_for([&] { return g.gw->broker().counters().clients_current == 0; }, 5s));
  CHECK(g.gw->broker().counters().clients_rejected >= 1);
  REQUIRE(eval_until(
              browser, tab, kStatus, [](auto& v) { return v == "live"; }, 20s) == "live");
  const std::string video = "yt:bbbbbbbbbbb";
  emit(*conn, "report-synced", video);
  CHECK(eval_until(
            browser, tab, kStatus, [](auto& v) { return v != "live"; }, 10s) == "live · report-synced " + video);
}
