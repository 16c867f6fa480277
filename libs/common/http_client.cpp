#include "common/http_client.h"

#include <httplib.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <regex>
#include <stdexcept>

namespace td::http {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct ParsedUrl {
  std::string origin;  // scheme://host:port
  std::string target;  // /path?query
};

ParsedUrl parse(const std::string& url) {
  static const std::regex re(R"(^(https?)://([^/?#]+)([^#]*)$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(url, m, re)) throw std::invalid_argument("not an http(s) URL: '" + url + "'");
  ParsedUrl p{lower(m[1].str()) + "://" + m[2].str(), m[3].str()};
  if (p.target.empty()) p.target = "/";
  return p;
}

}  // namespace

std::optional<std::string> Response::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::chrono::milliseconds> Response::retry_after() const {
  auto v = header("retry-after");
  if (!v) return std::nullopt;
  try {
    size_t used = 0;
    double s = std::stod(*v, &used);
    // A server's "1e300" or "inf" is capped at a day, not cast (undefined).
    if (used == v->size() && std::isfinite(s) && s >= 0)
      return std::chrono::milliseconds(static_cast<long long>(std::min(s, 86'400.0) * 1000));
  } catch (const std::exception&) {
  }
  std::tm tm{};
  if (strptime(v->c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
    auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
    auto d = std::chrono::duration_cast<std::chrono::milliseconds>(when - std::chrono::system_clock::now());
    return std::max(d, std::chrono::milliseconds(0));
  }
  return std::nullopt;
}

bool Response::retryable() const {
  return status == 0 || status == 408 || status == 425 || status == 429 || status >= 500;
}

std::string Response::describe() const {
  if (status == 0) return transport_error.empty() ? "no response" : transport_error;
  std::string snippet = body.substr(0, 200);
  for (auto& c : snippet) if (c == '\n' || c == '\r') c = ' ';
  return "HTTP " + std::to_string(status) + (snippet.empty() ? "" : ": " + snippet);
}

std::string join_url(const std::string& base, const std::string& path) {
  if (base.empty()) return path;
  if (path.empty()) return base;
  bool a = base.back() == '/', b = path.front() == '/';
  if (a && b) return base + path.substr(1);
  if (!a && !b) return base + "/" + path;
  return base + path;
}

Response send(const Request& request) {
  auto url = parse(request.url);
  httplib::Client client(url.origin);
  client.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(request.connect_timeout));
  client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(request.timeout));
  client.set_write_timeout(std::chrono::duration_cast<std::chrono::microseconds>(request.timeout));
  client.set_follow_location(true);

  httplib::Headers headers;
  for (auto& [k, v] : request.headers) headers.emplace(k, v);

  Response out;
  std::string body;
  bool too_big = false;
  httplib::Request req;
  req.method = request.method;
  req.path = url.target;
  req.headers = headers;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    req.body = request.body;
    req.set_header("Content-Type", request.content_type);
  }
  req.content_receiver = [&](const char* data, size_t len, uint64_t, uint64_t) {
    if (body.size() + len > request.max_body) {
      too_big = true;
      return false;
    }
    body.append(data, len);
    return true;
  };
  auto result = client.send(req);
  if (too_big) {
    out.transport_error = "response larger than " + std::to_string(request.max_body) + " bytes";
    return out;
  }
  if (!result) {
    out.transport_error = httplib::to_string(result.error());
    return out;
  }
  out.status = result->status;
  out.body = std::move(body);
  for (auto& [k, v] : result->headers) out.headers.emplace(lower(k), v);
  return out;
}

}  // namespace td::http
