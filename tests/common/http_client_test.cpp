// td::http::send against a loopback httplib server: the timeout bounds the
// whole request (a trickled body is cut at it), fast and large answers come
// back whole, and failures read as plain words with the URL (never its query).
#include <doctest/doctest.h>

#include <httplib.h>
#include "support/loopback_server.h"

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "common/http_client.h"

using namespace std::chrono_literals;

namespace {

using td::test::LoopbackServer;

// A piece every 500 ms for 4 s: each read is quick, the whole is slow.
void trickle(httplib::Server& s) {
  s.Get("/trickle", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [](size_t, httplib::DataSink& sink) {
      for (int i = 0; i < 8; ++i) {
        std::this_thread::sleep_for(500ms);
        if (!sink.is_writable() || !sink.write("piece\n", 6)) return false;
      }
      sink.done();
      return true;
    });
  });
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("http: a body trickled past the timeout is cut at the deadline, as a timeout") {
  LoopbackServer srv(trickle);
  td::http::Request req;
  req.url = srv.url("/trickle");
  req.timeout = 1500ms;
  auto start = std::chrono::steady_clock::now();
  auto r = td::http::send(req);
  double took = seconds_since(start);
  CHECK(r.status == 0);
  CHECK(r.failure == td::http::Failure::timeout);
  CHECK(r.retryable());
  CHECK(r.describe() == "timed out after 1.5 s waiting for " + srv.url("/trickle"));
  CHECK(took >= 1.4);
  CHECK(took < 3.8);  // loose: 2 cores under load; the trickle lasts 4 s
}

TEST_CASE("http: the same trickle within the timeout is accepted whole") {
  LoopbackServer srv(trickle);
  td::http::Request req;
  req.url = srv.url("/trickle");
  req.timeout = 10s;
  auto r = td::http::send(req);
  CHECK(r.status == 200);
  CHECK(r.body.size() == 8 * 6);
}

TEST_CASE("http: headers that never come end at the deadline") {
  LoopbackServer srv([](httplib::Server& s) {
    s.Get("/stall", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(4000ms);
      res.set_content("late", "text/plain");
    });
  });
  td::http::Request req;
  req.url = srv.url("/stall");
  req.timeout = 500ms;
  auto start = std::chrono::steady_clock::now();
  auto r = td::http::send(req);
  CHECK(seconds_since(start) < 3.0);  // loose: 2 cores under load; the stall lasts 4 s
  CHECK(r.failure == td::http::Failure::timeout);
  CHECK(r.describe() == "timed out after 0.5 s waiting for " + srv.url("/stall"));
}

TEST_CASE("http: a fast answer and a large fast body come back whole") {
  const std::string big(32 * 1024 * 1024, 'x');
  LoopbackServer srv([&](httplib::Server& s) {
    s.Post("/echo",
           [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.body, "text/plain"); });
    s.Get("/big",
          [&](const httplib::Request&, httplib::Response& res) { res.set_content(big, "application/octet-stream"); });
    s.Get("/big-chunked", [&](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("application/octet-stream", [&](size_t offset, httplib::DataSink& sink) {
        if (offset >= big.size()) {
          sink.done();
          return true;
        }
        size_t n = std::min<size_t>(64 * 1024, big.size() - offset);
        return sink.is_writable() && sink.write(big.data() + offset, n);
      });
    });
  });
  td::http::Request post;
  post.method = "POST";
  post.url = srv.url("/echo");
  post.body = "{\"hello\":1}";
  post.timeout = 1500ms;
  auto r = td::http::send(post);
  CHECK(r.status == 200);
  CHECK(r.body == post.body);
  CHECK(r.failure == td::http::Failure::none);

  for (const char* path : {"/big", "/big-chunked"}) {
    td::http::Request get;
    get.url = srv.url(path);
    get.timeout = 10s;
    auto b = td::http::send(get);
    CHECK(b.status == 200);
    CHECK(b.body.size() == big.size());
  }
}

TEST_CASE("http: failures in plain words, with the URL and never its query") {
  LoopbackServer srv([](httplib::Server& s) {
    s.Get("/v1/models", [](const httplib::Request&, httplib::Response& res) {
      res.status = 401;
      res.set_content("{\"error\":\"Incorrect API key\"}\n", "application/json");
    });
  });
  td::http::Request req;
  req.url = srv.url("/v1/models?key=secret-key");
  auto r = td::http::send(req);
  CHECK(r.status == 401);
  CHECK_FALSE(r.retryable());
  CHECK(r.describe() == "HTTP 401 from " + srv.url("/v1/models") + ": {\"error\":\"Incorrect API key\"} ");
  CHECK(r.describe().find("secret") == std::string::npos);

  int closed_port;
  {
    LoopbackServer gone([](httplib::Server&) {});
    closed_port = gone.port;
  }
  td::http::Request refused;
  refused.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/v1/chat/completions?key=secret";
  auto c = td::http::send(refused);
  CHECK(c.status == 0);
  CHECK(c.failure == td::http::Failure::connect);
  CHECK(c.describe() == "could not connect to http://127.0.0.1:" + std::to_string(closed_port) +
                            "/v1/chat/completions: connection refused");

  td::http::Request small = req;
  small.url = srv.url("/v1/models");
  small.max_body = 4;
  auto t = td::http::send(small);
  CHECK(t.failure == td::http::Failure::too_large);
  CHECK(t.describe().find("larger than 4 bytes") != std::string::npos);
}

TEST_CASE("http: seconds_text") {
  CHECK(td::http::seconds_text(5000ms) == "5 s");
  CHECK(td::http::seconds_text(1500ms) == "1.5 s");
  CHECK(td::http::seconds_text(250ms) == "0.25 s");
}
