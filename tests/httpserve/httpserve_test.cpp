#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "common/errors.h"
#include "httpserve/auth.h"
#include "httpserve/bytes.h"
#include "httpserve/errors.h"
#include "httpserve/pool.h"
#include "httpserve/routes.h"
#include "support/helpers.h"

using namespace std::chrono_literals;
using namespace td::httpserve;

namespace {
struct Server {
  explicit Server(std::function<void(httplib::Server&, Router&)> setup, size_t max_body = 1024)
      : router(svr, max_body) {
    ServerLimits l;
    l.api_threads = 2;
    l.stream_threads = 8;
    configure_server(svr, l);
    setup(svr, router);
    port = svr.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    REQUIRE(set_listen_backlog(svr, 512));
    th = std::thread([this] { svr.listen_after_bind(); });
    for (int i = 0; i < 500 && !svr.is_running(); ++i) std::this_thread::sleep_for(2ms);
  }
  ~Server() {
    svr.stop();
    th.join();
  }
  httplib::Server svr;
  Router router;
  int port = 0;
  std::thread th;
};

std::string error_of(const httplib::Result& r) { return nlohmann::json::parse(r->body).at("error").get<std::string>(); }

// Sends each piece on one connection and collects what the server answers to
// it (until it goes quiet or closes).
std::vector<std::string> raw_exchange(int port, const std::vector<std::string>& pieces,
                                      std::chrono::milliseconds quiet = 300ms) {
  int fd = td::test::connect_loopback(port);
  std::vector<std::string> out;
  for (const auto& bytes : pieces) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd, bytes.data() + off, std::min<size_t>(65536, bytes.size() - off), MSG_NOSIGNAL);
      if (n <= 0) break;  // the server closed on us: read what it said
      off += static_cast<size_t>(n);
    }
    std::string got;
    char buf[4096];
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) break;
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    out.push_back(got);
  }
  ::close(fd);
  return out;
}
}  // namespace

TEST_CASE("unknown routes answer 404 JSON, wrong methods 405 JSON with Allow") {
  Server s([](httplib::Server&, Router& r) {
    r.get(R"(/api/reports/(yt:[A-Za-z0-9_-]{1,64}))", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(nlohmann::json{{"id", req.matches[1].str()}}.dump(), "application/json");
    });
    r.del(R"(/api/reports/(yt:[A-Za-z0-9_-]{1,64}))",
          [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    r.post("/api/submit", [](const httplib::Request&, httplib::Response& res, const std::string& body) {
      auto j = nlohmann::json::parse(body);  // invalid JSON throws -> 500? no: caught below
      res.status = 202;
      res.set_content(j.dump(), "application/json");
    });
  });
  httplib::Client cli("127.0.0.1", s.port);
  auto ok = cli.Get("/api/reports/yt:abc");
  REQUIRE(ok);
  CHECK(ok->status == 200);

  auto nf = cli.Get("/nope");
  REQUIRE(nf);
  CHECK(nf->status == 404);
  CHECK(nf->get_header_value("Content-Type") == "application/json");
  CHECK(error_of(nf).find("/nope") != std::string::npos);

  auto bad_id = cli.Get("/api/reports/yt:a%2F..%2Fetc");
  REQUIRE(bad_id);
  CHECK(bad_id->status == 404);

  auto wrong = cli.Put("/api/reports/yt:abc", "{}", "application/json");
  REQUIRE(wrong);
  CHECK(wrong->status == 405);
  CHECK(wrong->get_header_value("Allow") == "DELETE, GET, HEAD");
  CHECK(error_of(wrong).find("not allowed") != std::string::npos);

  auto get_submit = cli.Get("/api/submit");
  REQUIRE(get_submit);
  CHECK(get_submit->status == 405);
  CHECK(get_submit->get_header_value("Allow") == "POST");

  auto post = cli.Post("/api/submit", R"({"url":"x"})", "application/json");
  REQUIRE(post);
  CHECK(post->status == 202);

  // A handler that throws: 500 JSON, details not echoed; the server keeps serving.
  auto boom = cli.Post("/api/submit", "{not json", "application/json");
  REQUIRE(boom);
  CHECK(boom->status == 500);
  CHECK(error_of(boom) == "internal error");
  CHECK(cli.Get("/api/reports/yt:abc")->status == 200);
}

TEST_CASE("PermanentError from a handler is a 400 with its message") {
  Server s([](httplib::Server&, Router& r) {
    r.get("/x", [](const httplib::Request&, httplib::Response&) {
      throw td::PermanentError("bad_input", "url is not a YouTube link");
    });
  });
  httplib::Client cli("127.0.0.1", s.port);
  auto res = cli.Get("/x");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(error_of(res) == "url is not a YouTube link");
}

TEST_CASE("bodies over the limit get 413 JSON, with Content-Length or chunked, and the connection stays usable") {
  std::atomic<int> handled{0};
  Server s(
      [&](httplib::Server&, Router& r) {
        r.post("/api/submit", [&](const httplib::Request&, httplib::Response& res, const std::string& body) {
          handled++;
          res.set_content(std::to_string(body.size()), "text/plain");
        });
      },
      1024);
  httplib::Client cli("127.0.0.1", s.port);
  auto small = cli.Post("/api/submit", std::string(1000, 'a'), "application/json");
  REQUIRE(small);
  CHECK(small->body == "1000");

  auto big = cli.Post("/api/submit", std::string(10 << 20, 'a'), "application/json");
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK(error_of(big).find("too large") != std::string::npos);
  CHECK(handled == 1);
  // Same keep-alive connection afterwards:
  auto after = cli.Post("/api/submit", "{}", "application/json");
  REQUIRE(after);
  CHECK(after->status == 200);

  // Chunked: httplib 0.11 would buffer this without bound on a plain handler.
  std::string chunked =
      "POST /api/submit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n";
  for (int i = 0; i < 8; ++i) chunked += "200\r\n" + std::string(512, 'b') + "\r\n";
  chunked += "0\r\n\r\n";
  // httplib 0.11 drops pipelined bytes, so the second request goes after the answer.
  auto answers = raw_exchange(s.port, {chunked, "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"});
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].rfind("HTTP/1.1 413", 0) == 0);
  // The drained body did not turn into garbage requests: the next one parses.
  CHECK(answers[1].rfind("HTTP/1.1 404", 0) == 0);
  CHECK(handled == 2);
}

TEST_CASE("serve_bytes: full, ranges, 416, ETag and 304") {
  auto blob = std::make_shared<const std::string>([] {
    std::string b(1000, '\0');
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<char>('A' + i % 26);
    return b;
  }());
  const std::string etag = etag_for(*blob);
  Server s([&](httplib::Server&, Router& r) {
    r.get("/a.mp3", [&](const httplib::Request& req, httplib::Response& res) {
      serve_bytes(req, res, blob, "audio/mpeg", etag);
    });
  });
  httplib::Client cli("127.0.0.1", s.port);
  auto full = cli.Get("/a.mp3");
  REQUIRE(full);
  CHECK(full->status == 200);
  CHECK(full->body == *blob);
  CHECK(full->get_header_value("Content-Length") == "1000");
  CHECK(full->get_header_value("ETag") == etag);
  CHECK(full->get_header_value("Accept-Ranges") == "bytes");
  CHECK(full->get_header_value("Content-Type") == "audio/mpeg");

  struct Case {
    const char* range;
    int status;
    const char* content_range;
    size_t first, len;
  };
  for (auto c :
       {Case{"bytes=0-99", 206, "bytes 0-99/1000", 0, 100}, Case{"bytes=990-", 206, "bytes 990-999/1000", 990, 10},
        Case{"bytes=-5", 206, "bytes 995-999/1000", 995, 5},
        Case{"bytes=900-5000", 206, "bytes 900-999/1000", 900, 100}, Case{"bytes=1000-", 416, "bytes */1000", 0, 0},
        Case{"bytes=0-1,5-6", 200, "", 0, 1000}}) {
    CAPTURE(c.range);
    auto r = cli.Get("/a.mp3", {{"Range", c.range}});
    REQUIRE(r);
    CHECK(r->status == c.status);
    CHECK(r->get_header_value("Content-Range") == c.content_range);
    if (c.status != 416) {
      CHECK(r->body == blob->substr(c.first, c.len));
      CHECK(r->get_header_value("Content-Length") == std::to_string(c.len));
    }
  }
  auto nm = cli.Get("/a.mp3", {{"If-None-Match", "\"other\", " + etag}});
  REQUIRE(nm);
  CHECK(nm->status == 304);
  CHECK(nm->body.empty());
  auto weak = cli.Get("/a.mp3", {{"If-None-Match", "W/" + etag}});
  CHECK(weak->status == 304);
  auto changed = cli.Get("/a.mp3", {{"If-None-Match", "\"nope\""}});
  CHECK(changed->status == 200);
}

TEST_CASE("parse_range edge cases") {
  CHECK(parse_range("", 10).kind == RangeKind::None);
  CHECK(parse_range("bytes=5-2", 10).kind == RangeKind::Ignored);
  CHECK(parse_range("items=0-1", 10).kind == RangeKind::Ignored);
  CHECK(parse_range("bytes=-0", 10).kind == RangeKind::Unsatisfiable);
  CHECK(parse_range("bytes=0-", 0).kind == RangeKind::Unsatisfiable);
  auto r = parse_range("bytes=-50", 10);
  CHECK(r.kind == RangeKind::Satisfiable);
  CHECK(r.range.first == 0);
  CHECK(r.range.last == 9);
}

TEST_CASE("constant-time comparison and bearer parsing") {
  CHECK(constant_time_equal("s3cret", "s3cret"));
  CHECK_FALSE(constant_time_equal("s3cret", "s3creT"));
  CHECK_FALSE(constant_time_equal("s3cret", "s3cret2"));
  CHECK_FALSE(constant_time_equal("", "x"));
  CHECK(constant_time_equal("", ""));
  CHECK(bearer_token("Bearer abc.def") == std::optional<std::string>("abc.def"));
  CHECK(bearer_token("bearer   abc") == std::optional<std::string>("abc"));
  CHECK_FALSE(bearer_token("Basic abc"));
  CHECK_FALSE(bearer_token("Bearer "));
  CHECK_FALSE(bearer_token("Bearer a b"));
  CHECK_FALSE(bearer_token("Bearerabc"));
}

TEST_CASE("the elastic pool grows past its minimum for long tasks and keeps serving short ones") {
  ElasticThreadPool pool(2, 50, 0, 200ms);
  std::atomic<int> running{0}, done{0};
  std::atomic<bool> release{false};
  for (int i = 0; i < 20; ++i) {
    pool.enqueue([&] {
      running++;
      while (!release) std::this_thread::sleep_for(1ms);
      done++;
    });
  }
  for (int i = 0; i < 400 && running < 20; ++i) std::this_thread::sleep_for(5ms);
  CHECK(running == 20);  // none waited for another to finish
  std::atomic<bool> quick{false};
  pool.enqueue([&] { quick = true; });
  for (int i = 0; i < 200 && !quick; ++i) std::this_thread::sleep_for(5ms);
  CHECK(quick);
  CHECK(pool.stats().threads >= 21);
  release = true;
  std::this_thread::sleep_for(600ms);  // idle_exit is 200 ms
  pool.enqueue([] {});                 // also joins retired workers
  CHECK(pool.stats().threads == 2);    // idle workers above the minimum retired
  CHECK(done == 20);
  pool.shutdown();
}

TEST_CASE("pool threads survive httplib's recursive regex routing of a long path") {
  Server s([](httplib::Server&, Router& r) {
    r.get(R"(/api/reports/(.*))", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.matches[1].length()), "text/plain");
    });
  });
  httplib::Client cli("127.0.0.1", s.port);
  std::string path = "/api/reports/" + std::string(8000, 'a');
  auto r = cli.Get(path);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "8000");
}

TEST_CASE("the listening socket carries TCP_USER_TIMEOUT, which accepted connections inherit") {
  Server s([](httplib::Server&, Router&) {});
  const int fd = listen_socket(s.svr);
  REQUIRE(fd >= 0);
  unsigned ms = 0;
  socklen_t len = sizeof ms;
  REQUIRE(getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, &len) == 0);
  CHECK(ms == 30000);  // ServerLimits' default
  int reuse = 0;
  len = sizeof reuse;
  REQUIRE(getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &reuse, &len) == 0);
  CHECK(reuse != 0);  // httplib's own default (SO_REUSEPORT on Linux) still applies
}
