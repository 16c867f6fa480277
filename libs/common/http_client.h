// Outbound HTTP for providers (OpenAI-compatible LLM and speech APIs, the
// YouTube Data API, webhooks): a base URL such as "https://api.openai.com/v1"
// or "http://127.0.0.1:8080/v1", timeouts, and one result type that says
// whether a failure is worth retrying and, in plain words, what failed.
//
// Timeouts. Request::timeout bounds the request as a whole: connect, send,
// headers and body. cpp-httplib 0.11 only bounds each socket read or write,
// so a server that trickles its body (a piece every 2 s, read timeout 5 s)
// would hold a request for as long as it likes; send() therefore runs a
// watchdog that shuts the socket down at the deadline (httplib's
// thread-safe Client::stop()), and the body receiver also stops taking bytes
// once the deadline has passed. The result is status 0, Failure::timeout,
// "timed out after 5 s waiting for http://host/v1/chat/completions".
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace td::http {

// Why no HTTP response came back (Response::status == 0).
enum class Failure {
  none,             // a response arrived, whatever its status
  timeout,          // Request::timeout passed (connect, send, headers or body)
  connect,          // no connection: refused, host not found, connect_timeout passed
  tls,              // TLS handshake or certificate check failed
  connection_lost,  // the connection broke while sending or reading
  too_large,        // the body exceeded Request::max_body
  other,
};

struct Response {
  int status = 0;  // 0 when no HTTP response arrived (connect error, timeout)
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  Failure failure = Failure::none;                  // set when status == 0
  std::string transport_error;                      // set when status == 0: the plain message describe() gives
  // The request's URL without its query string or user info (an API key
  // may ride in the query, as YouTube's does): safe for messages and logs.
  std::string url;

  std::optional<std::string> header(const std::string& lower_name) const;
  // Retry-After in seconds or as an HTTP date; nullopt when absent or unreadable.
  std::optional<std::chrono::milliseconds> retry_after() const;
  // 408, 425, 429, 5xx and transport errors are transient; other 4xx are not.
  bool retryable() const;
  // What happened, in words: "HTTP 401 from http://host/v1/x: <first 200
  // bytes of body>", "timed out after 5 s waiting for http://host/v1/x",
  // "could not connect to http://host/v1/x: connection refused".
  std::string describe() const;
};

struct Request {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path?query
  std::map<std::string, std::string> headers;
  std::string body;
  std::string content_type = "application/json";
  // Connecting alone; capped at `timeout`.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // The whole request: connect + send + headers + body. Zero or less = no
  // deadline (each read and write then waits httplib's default).
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  size_t max_body = 64 * 1024 * 1024;  // larger responses are cut and reported as an error
};

// Percent-encodes everything but RFC 3986's unreserved characters (letters,
// digits, - _ . ~) and those in `keep` ("/" for a path): a query value or a
// path segment that may hold anything.
std::string percent_encode(std::string_view s, std::string_view keep = "");

// Joins a base URL and a path without doubling or dropping slashes.
std::string join_url(const std::string& base, const std::string& path);

// "5 s", "1.5 s", "0.25 s": a duration as messages show it.
std::string seconds_text(std::chrono::milliseconds d);

// Never throws for network or HTTP failures: they come back in Response.
// Throws std::invalid_argument for a URL it cannot parse.
Response send(const Request& request);

}  // namespace td::http
