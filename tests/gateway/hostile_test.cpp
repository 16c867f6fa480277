// Hostile input at the gateway's edge, over real loopback HTTP with
// raw sockets: token headers that a NUL, a CR or a second copy could fool,
// invalid UTF-8 and NULs in text inputs, pipelined requests, broken framing.
#include <doctest/doctest.h>

#include <chrono>

#include "fixture.h"

using namespace td;
using namespace td::test;

namespace {

const std::string kApi = "api-secret-token";
const std::string kReprocess = "reprocess-secret";

gateway::Options hostile_options(const std::string& url) {
  auto o = gateway_options(url);
  o.api_token = kApi;
  o.reprocess_token = kReprocess;
  // Long enough that "answered at once" cannot be the read timeout firing.
  o.read_timeout = std::chrono::seconds(10);
  o.keep_alive_timeout = std::chrono::seconds(10);
  return o;
}

int status_of(const std::string& answer) {
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}

size_t count_answers(const std::string& s) {
  size_t n = 0;
  for (size_t at = s.find("HTTP/1.1 "); at != std::string::npos; at = s.find("HTTP/1.1 ", at + 1)) ++n;
  return n;
}

std::string reprocess_with(const std::string& token_headers) {
  const std::string body = R"({"video_id": "yt:aaaaaaaaaaa"})";
  return "POST /api/reprocess HTTP/1.1\r\nHost: x\r\n" + token_headers + "Content-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

std::string delete_with(const std::string& auth_headers) {
  return "DELETE /api/reports/yt:aaaaaaaaaaa HTTP/1.1\r\nHost: x\r\n" + auth_headers + "Connection: close\r\n\r\n";
}

}  // namespace

TEST_CASE("token headers with NUL, CR or control bytes, or given twice, are refused") {
  TestDatabase db("gwhostile");
  auto conn = migrated_connection(db.url());
  seed_report(*conn, "yt:aaaaaaaaaaa", {"comprehensive"});
  RunningGateway g(hostile_options(db.url()));

  SUBCASE("X-Reprocess-Token") {
    const std::string t = "X-Reprocess-Token: ";
    CHECK(status_of(raw_exchange(g.port, reprocess_with(t + kReprocess + std::string("\0garbage", 8) + "\r\n"))) ==
          400);
    CHECK(status_of(raw_exchange(g.port, reprocess_with(t + kReprocess + "\x01\r\n"))) == 400);
    CHECK(status_of(raw_exchange(g.port, reprocess_with(t + kReprocess + "\rX: y\r\n"))) == 400);
    CHECK(status_of(raw_exchange(g.port, reprocess_with(t + kReprocess + "\r\n" + t + "wrong\r\n"))) == 400);
    CHECK(status_of(raw_exchange(g.port, reprocess_with(t + kReprocess + "\r\n" + t + kReprocess + "\r\n"))) == 400);
    CHECK(status_of(raw_exchange(g.port, reprocess_with(t + "wrong\r\n"))) == 403);
    CHECK(status_of(raw_exchange(g.port, reprocess_with(""))) == 403);
    CHECK(count_rows(*conn, "SELECT count(*) FROM jobs") == 0);
    // The right token, once and clean, still works.
    auto ok = raw_exchange(g.port, reprocess_with(t + kReprocess + "\r\n"));
    CHECK(status_of(ok) == 202);
    CHECK(count_rows(*conn, "SELECT count(*) FROM jobs") == 1);
  }
  SUBCASE("Authorization: Bearer") {
    const std::string a = "Authorization: Bearer ";
    CHECK(status_of(raw_exchange(g.port, delete_with(a + kApi + std::string("\0x", 2) + "\r\n"))) == 400);
    CHECK(status_of(raw_exchange(g.port, delete_with(a + kApi + "\x7f\r\n"))) == 400);
    CHECK(status_of(raw_exchange(g.port, delete_with(a + kApi + "\r\n" + a + "wrong\r\n"))) == 400);
    CHECK(status_of(raw_exchange(g.port, delete_with(a + "wrong\r\n" + a + kApi + "\r\n"))) == 400);
    CHECK(status_of(raw_exchange(g.port, delete_with(a + "wrong\r\n"))) == 401);
    CHECK(count_rows(*conn, "SELECT count(*) FROM videos") == 1);
    CHECK(status_of(raw_exchange(g.port, delete_with(a + kApi + "\r\n"))) == 200);
    CHECK(count_rows(*conn, "SELECT count(*) FROM videos") == 0);
  }
}

TEST_CASE("invalid UTF-8 and NUL bytes in text inputs are a 400, never a 500") {
  TestDatabase db("gwhostile");
  auto conn = migrated_connection(db.url());
  seed_report(*conn, "yt:aaaaaaaaaaa", {"comprehensive"});
  RunningGateway g(hostile_options(db.url()));
  auto c = g.client();
  for (const char* path : {"/api/reports?q=%ff", "/api/reports?q=%c0%af", "/api/reports?q=%ed%a0%80",
                           "/api/reports?q=ab%00cd", "/api/reports?cursor=1~%ff", "/api/reports?cursor=%ff~yt:a",
                           "/api/reports?cursor=1%00~yt:a", "/api/reports/yt:%ff%fe", "/api/audio/yt:%ff/audio.mp3"}) {
    CAPTURE(path);
    auto r = c.Get(path);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(nlohmann::json::parse(r->body).contains("error"));
  }
  auto nul = c.Get("/api/reports?q=ab%00cd");
  CHECK(nlohmann::json::parse(nul->body)["error"] == "'q' must not contain NUL bytes");
  // Valid UTF-8 still searches.
  auto ok = c.Get("/api/reports?q=%c3%a9t%c3%a9");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  // JSON strings: the parser refuses invalid UTF-8; "\u0000" decodes to a NUL.
  httplib::Headers auth{{"Authorization", "Bearer " + kApi}};
  auto t = c.Post("/api/submit", auth, R"({"url": "dQw4w9WgXcQ", "transcript": "a\u0000b"})", "application/json");
  REQUIRE(t);
  CHECK(t->status == 400);
  CHECK(nlohmann::json::parse(t->body)["error"] == "'transcript' must not contain NUL bytes");
  auto bad = c.Post("/api/submit", auth, "{\"url\": \"dQw4w9WgXcQ\", \"transcript\": \"\xff\"}", "application/json");
  CHECK(bad->status == 400);
  CHECK(count_rows(*conn, "SELECT count(*) FROM jobs") == 0);
}

TEST_CASE("pipelined requests are answered in order; broken framing and malformed requests close at once") {
  TestDatabase db("gwhostile");
  auto conn = migrated_connection(db.url());
  RunningGateway g(hostile_options(db.url()));
  using clock = std::chrono::steady_clock;

  // Three requests in one write: three answers, in order, then the close the
  // last one asked for (well before the 10 s keep-alive timeout).
  bool closed = false;
  auto start = clock::now();
  auto three = raw_exchange(g.port,
                            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                            "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"
                            "GET /api/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                            8000, &closed);
  CHECK(closed);
  CHECK(clock::now() - start < std::chrono::seconds(5));
  CHECK(count_answers(three) == 3);
  auto ok = three.find("{\"status\":\"ok\"}"), ready = three.find("{\"status\":\"ready\"}"),
       nf = three.find("HTTP/1.1 404");
  CHECK(ok < ready);
  CHECK(ready < nf);
  CHECK(nf != std::string::npos);

  // Two requests in one write, keep-alive: both answered at once (the
  // connection then idles, which the short wait here cuts off).
  auto two =
      raw_exchange(g.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n", 1500);
  CHECK(count_answers(two) == 2);

  // Each of these is answered and its connection closed, long before the
  // 10 s read timeout: nothing here waits for bytes that will never come.
  struct Case {
    const char* name;
    std::string request;
    int status;
  };
  const std::vector<Case> cases = {
      {"negative Content-Length", "POST /api/submit HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400},
      {"overflowing Content-Length",
       "POST /api/submit HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400},
      {"Content-Length over the limit", "POST /api/submit HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n", 413},
      {"two Content-Lengths",
       "POST /api/submit HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400},
      {"Content-Length and chunked",
       "POST /api/submit HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}", 400},
      {"other Transfer-Encoding", "POST /api/submit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
       400},
      {"GET with a body", "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 400},
      {"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400},
      {"garbage", "NONSENSE\r\n\r\n", 400},
      {"414", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
      {"malformed, then a valid request", "GARBAGE\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
  };
  for (const auto& k : cases) {
    CAPTURE(k.name);
    bool was_closed = false;
    auto t0 = clock::now();
    auto answer = raw_exchange(g.port, k.request, 8000, &was_closed);
    CHECK(status_of(answer) == k.status);
    CHECK(was_closed);
    CHECK(clock::now() - t0 < std::chrono::seconds(5));
    CHECK(count_answers(answer) == 1);
    CHECK(answer.find("Connection: close") != std::string::npos);
    CHECK(answer.find("{\"error\":") != std::string::npos);
  }
  CHECK(g.client().Get("/healthz")->status == 200);
  CHECK(count_rows(*conn, "SELECT count(*) FROM jobs") == 0);
}
