// check_framing and single_header on hand-made requests (the loop around them
// is tested over loopback in tests/gateway/hostile_test.cpp).
#include <doctest/doctest.h>

#include "httpserve/auth.h"
#include "httpserve/errors.h"
#include "httpserve/server.h"

using td::httpserve::check_framing;

namespace {

httplib::Request request(const std::string& method,
                         std::initializer_list<std::pair<std::string, std::string>> headers) {
  httplib::Request r;
  r.method = method;
  for (const auto& [k, v] : headers) r.headers.emplace(k, v);
  return r;
}

int status(const httplib::Request& r) {
  auto e = check_framing(r, 1000);
  return e ? e->status : 0;
}

}  // namespace

TEST_CASE("check_framing accepts plain framing and refuses what could be read two ways") {
  CHECK(status(request("GET", {})) == 0);
  CHECK(status(request("GET", {{"Content-Length", "0"}})) == 0);
  CHECK(status(request("POST", {{"Content-Length", "12"}})) == 0);
  CHECK(status(request("POST", {{"Content-Length", "12"}, {"content-length", "12"}})) == 0);
  CHECK(status(request("POST", {{"Transfer-Encoding", "chunked"}})) == 0);
  CHECK(status(request("POST", {{"Transfer-Encoding", "Chunked"}})) == 0);

  for (const char* bad : {"-5", "-0", "", "1e3", "0x10", "12abc", "99999999999999999999999"}) {
    CAPTURE(bad);
    CHECK(status(request("POST", {{"Content-Length", bad}})) == 400);
  }
  CHECK(status(request("POST", {{"Content-Length", "2"}, {"Content-Length", "3"}})) == 400);
  CHECK(status(request("POST", {{"Content-Length", "2"}, {"Transfer-Encoding", "chunked"}})) == 400);
  CHECK(status(request("POST", {{"Transfer-Encoding", "gzip, chunked"}})) == 400);
  CHECK(status(request("POST", {{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})) == 400);
  CHECK(status(request("GET", {{"Content-Length", "5"}})) == 400);
  CHECK(status(request("HEAD", {{"Transfer-Encoding", "chunked"}})) == 400);
  auto big = check_framing(request("POST", {{"Content-Length", "1001"}}), 1000);
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK(big->drain == 1001);
}

TEST_CASE("single_header: the whole value of the one copy, or HttpError 400") {
  auto r = request("GET", {{"X-Token", "abc"}});
  CHECK(td::httpserve::single_header(r, "x-token") == std::optional<std::string>("abc"));
  CHECK(td::httpserve::single_header(r, "Other") == std::nullopt);
  for (const std::string& v : {std::string("abc\0def", 7), std::string("abc\rdef"), std::string("abc\ndef"),
                               std::string("abc\x01"), std::string("abc\x7f")}) {
    auto bad = request("GET", {{"X-Token", v}});
    CHECK_THROWS_AS(td::httpserve::single_header(bad, "X-Token"), td::httpserve::HttpError);
  }
  auto twice = request("GET", {{"X-Token", "abc"}, {"x-token", "abc"}});
  try {
    td::httpserve::single_header(twice, "X-Token");
    FAIL("accepted two copies");
  } catch (const td::httpserve::HttpError& e) {
    CHECK(e.status() == 400);
    CHECK(std::string(e.what()) == "header X-Token given more than once");
  }
  auto tab = request("GET", {{"X-Token", "a\tb"}});
  CHECK(td::httpserve::single_header(tab, "X-Token") == std::optional<std::string>("a\tb"));
}
