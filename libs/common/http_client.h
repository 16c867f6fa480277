// Outbound HTTP for providers (OpenAI-compatible LLM and speech APIs, the
// YouTube Data API, webhooks): a base URL such as "https://api.openai.com/v1"
// or "http://127.0.0.1:8080/v1", timeouts, and one result type that says
// whether a failure is worth retrying.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace td::http {

struct Response {
  int status = 0;            // 0 when no HTTP response arrived (connect error, timeout)
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string transport_error;                      // set when status == 0

  std::optional<std::string> header(const std::string& lower_name) const;
  // Retry-After in seconds or as an HTTP date; nullopt when absent or unreadable.
  std::optional<std::chrono::milliseconds> retry_after() const;
  // 408, 425, 429, 5xx and transport errors are transient; other 4xx are not.
  bool retryable() const;
  // "HTTP 500: <first 200 bytes of body>" or "connection refused" etc.
  std::string describe() const;
};

struct Request {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path?query
  std::map<std::string, std::string> headers;
  std::string body;
  std::string content_type = "application/json";
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // read/write timeout
  size_t max_body = 64 * 1024 * 1024;  // larger responses are cut and reported as an error
};

// Joins a base URL and a path without doubling or dropping slashes.
std::string join_url(const std::string& base, const std::string& path);

// Never throws for network or HTTP failures: they come back in Response.
// Throws std::invalid_argument for a URL it cannot parse.
Response send(const Request& request);

}  // namespace td::http
