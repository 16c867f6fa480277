#include "common/http_client.h"

#include <cctype>

#include <httplib.h>

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>

namespace td::http {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct ParsedUrl {
  std::string origin;   // scheme://host:port
  std::string target;   // /path?query
  std::string host;     // for the name lookup that tells "host not found" from "refused"
  std::string display;  // scheme://host:port/path: no query, no user info
};

ParsedUrl parse(const std::string& url) {
  static const std::regex re(R"(^(https?)://([^/?#]+)([^#]*)$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(url, m, re)) throw std::invalid_argument("not an http(s) URL: '" + url + "'");
  std::string scheme = lower(m[1].str()), authority = m[2].str();
  ParsedUrl p{scheme + "://" + authority, m[3].str(), "", ""};
  if (p.target.empty()) p.target = "/";
  std::string hostport = authority.substr(authority.rfind('@') == std::string::npos ? 0 : authority.rfind('@') + 1);
  if (!hostport.empty() && hostport.front() == '[')
    p.host = hostport.substr(1, hostport.find(']') == std::string::npos ? std::string::npos : hostport.find(']') - 1);
  else p.host = hostport.substr(0, hostport.find(':'));
  p.display = scheme + "://" + hostport + p.target.substr(0, p.target.find('?'));
  return p;
}

bool resolves(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (res) freeaddrinfo(res);
  return rc == 0;
}

// The plain message for a request that got no response. `connect_timeout`
// is the one in effect (already capped at the request's timeout).
std::pair<Failure, std::string> transport_failure(httplib::Error e, const ParsedUrl& url,
                                                  std::chrono::milliseconds connect_timeout) {
  const std::string& u = url.display;
  switch (e) {
    case httplib::Error::ConnectionTimeout:
      return {Failure::connect, "timed out after " + seconds_text(connect_timeout) + " connecting to " + u};
    case httplib::Error::Connection:
    case httplib::Error::BindIPAddress:
      // httplib 0.11 does not say why connect() failed. A name that does
      // not resolve is "host not found"; a prompt failure to a host that
      // does resolve is, on Linux, nearly always a refusal (nothing listens).
      if (!resolves(url.host)) return {Failure::connect, "could not connect to " + u + ": host not found"};
      return {Failure::connect, "could not connect to " + u + ": connection refused"};
    case httplib::Error::SSLConnection: return {Failure::tls, "TLS handshake with " + u + " failed"};
    case httplib::Error::SSLServerVerification:
      return {Failure::tls, "the TLS certificate of " + u + " could not be verified"};
    case httplib::Error::SSLLoadingCerts: return {Failure::tls, "could not load the CA certificates to verify " + u};
    case httplib::Error::Write:
      return {Failure::connection_lost, "connection to " + u + " broke while sending the request"};
    case httplib::Error::Read:
      return {Failure::connection_lost, "connection to " + u + " broke before the response was complete"};
    case httplib::Error::ExceedRedirectCount: return {Failure::other, "too many redirects from " + u};
    case httplib::Error::Compression: return {Failure::other, "could not decompress the response from " + u};
    default: return {Failure::other, "request to " + u + " failed (" + httplib::to_string(e) + ")"};
  }
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
  if (status == 0)
    return transport_error.empty() ? "no response from " + (url.empty() ? "the server" : url) : transport_error;
  std::string snippet = body.substr(0, 200);
  for (auto& c : snippet)
    if (c == '\n' || c == '\r') c = ' ';
  return "HTTP " + std::to_string(status) + (url.empty() ? "" : " from " + url) +
         (snippet.empty() ? "" : ": " + snippet);
}

std::string seconds_text(std::chrono::milliseconds d) {
  long long ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(ms) / 1000.0);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  return s + " s";
}

std::string percent_encode(std::string_view s, std::string_view keep) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        keep.find(static_cast<char>(c)) != keep.npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
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
  using clock = std::chrono::steady_clock;
  auto url = parse(request.url);
  const auto start = clock::now();
  const bool bounded = request.timeout.count() > 0;
  const auto deadline = start + request.timeout;
  const auto connect_timeout = bounded ? std::min(request.connect_timeout, request.timeout) : request.connect_timeout;

  httplib::Client client(url.origin);
  client.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(connect_timeout));
  if (bounded) {
    // Each read and write may wait the whole budget; the watchdog below
    // ends the request at the deadline whatever the reads do.
    client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(request.timeout));
    client.set_write_timeout(std::chrono::duration_cast<std::chrono::microseconds>(request.timeout));
  }
  client.set_follow_location(true);

  httplib::Headers headers;
  for (auto& [k, v] : request.headers) headers.emplace(k, v);

  Response out;
  out.url = url.display;
  std::string body;
  bool too_big = false;
  std::atomic<bool> expired{false};
  httplib::Request req;
  req.method = request.method;
  req.path = url.target;
  req.headers = headers;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    req.body = request.body;
    req.set_header("Content-Type", request.content_type);
  }
  req.content_receiver = [&](const char* data, size_t len, uint64_t, uint64_t) {
    // A body that arrives in pieces, each within the read timeout, still
    // stops at the deadline (and even after a redirect to another host,
    // which the watchdog's stop() does not reach).
    if (bounded && clock::now() >= deadline) {
      expired = true;
      return false;
    }
    if (body.size() + len > request.max_body) {
      too_big = true;
      return false;
    }
    body.append(data, len);
    return true;
  };

  // The watchdog: at the deadline, shut the socket down so that whatever
  // read or write is pending fails now. Client::stop() is httplib's
  // thread-safe way to do that; it only reaches a socket that is open (it
  // waits while connect runs under the client's socket mutex), so it is
  // repeated every 20 ms until send() returns.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread watchdog;
  if (bounded) {
    watchdog = std::thread([&] {
      std::unique_lock<std::mutex> lock(mu);
      if (cv.wait_until(lock, deadline, [&] { return done; })) return;
      expired = true;
      while (!done) {
        lock.unlock();
        client.stop();
        lock.lock();
        cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return done; });
      }
    });
  }
  struct Join {
    std::mutex& mu;
    std::condition_variable& cv;
    bool& done;
    std::thread& t;
    ~Join() {
      {
        std::lock_guard<std::mutex> lock(mu);
        done = true;
      }
      cv.notify_all();
      if (t.joinable()) t.join();
    }
  };
  clock::time_point finished;
  httplib::Result result = [&] {
    Join join{mu, cv, done, watchdog};
    auto r = client.send(req);
    finished = clock::now();
    return r;
  }();

  // Past the deadline the outcome is a timeout even when httplib reports a
  // success: a body read until the connection closed ends "cleanly" when
  // the watchdog shuts the socket, and would be a cut body. (A response
  // complete just before the deadline, with the watchdog waking before it
  // heard, is kept.)
  // A read that failed at or past the deadline is the deadline too: httplib's
  // own read timeout (the same budget, started a little later) can fire
  // before a busy machine wakes the watchdog.
  bool connect_ran_out =
      !result && result.error() == httplib::Error::ConnectionTimeout && bounded && connect_timeout >= request.timeout;
  bool failed_late = !result && bounded && finished >= deadline;
  if ((expired && finished >= deadline) || connect_ran_out || failed_late) {
    out.failure = Failure::timeout;
    out.transport_error = "timed out after " + seconds_text(request.timeout) + " waiting for " + url.display;
    return out;
  }
  if (too_big) {
    out.failure = Failure::too_large;
    out.transport_error =
        "response from " + url.display + " is larger than " + std::to_string(request.max_body) + " bytes";
    return out;
  }
  if (!result) {
    std::tie(out.failure, out.transport_error) = transport_failure(result.error(), url, connect_timeout);
    return out;
  }
  out.status = result->status;
  out.body = std::move(body);
  for (auto& [k, v] : result->headers) out.headers.emplace(lower(k), v);
  return out;
}

}  // namespace td::http
