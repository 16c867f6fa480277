#include "httpserve/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string_view>

#include <nlohmann/json.hpp>

#include "httpserve/body.h"

namespace td::httpserve {

namespace {

// Waits up to `ms` for `events` on sock; true when they are there.
bool wait_for(int sock, short events, long ms) {
  pollfd p{sock, events, 0};
  for (;;) {
    int n = ::poll(&p, 1, static_cast<int>(ms));
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

long to_ms(time_t sec, time_t usec) { return static_cast<long>(sec) * 1000 + static_cast<long>(usec) / 1000; }

void address_of(int sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  int rc = peer ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&a), &len)
                : ::getsockname(sock, reinterpret_cast<sockaddr*>(&a), &len);
  if (rc != 0) return;
  char buf[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&a);
    ::inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
    port = ntohs(v4->sin_port);
  } else if (a.ss_family == AF_INET6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&a);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
    port = ntohs(v6->sin6_port);
  }
  ip = buf;
}

// The connection's stream: httplib::detail::SocketStream's behaviour (timeouts,
// a dead peer is not writable), with a read buffer that outlives each request,
// and a look at each answer's status line and headers as they go out.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int sock, long read_ms, long write_ms) : sock_(sock), read_ms_(read_ms), write_ms_(write_ms) {}

  bool is_readable() const override { return buffered() > 0 || wait_for(sock_, POLLIN, read_ms_); }

  bool is_writable() const override { return wait_for(sock_, POLLOUT, write_ms_) && peer_alive(); }

  ssize_t read(char* ptr, size_t size) override {
    if (buffered() == 0) {
      if (!wait_for(sock_, POLLIN, read_ms_)) return -1;
      ssize_t n;
      do n = ::recv(sock_, buf_.data(), buf_.size(), 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, buffered());
    std::memcpy(ptr, buf_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    note_head(ptr, size);
    ssize_t n;
    do n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

  size_t buffered() const { return end_ - begin_; }
  // Input read from the socket or waiting in it that no request has consumed.
  bool input_pending() const {
    int avail = 0;
    return buffered() > 0 || (::ioctl(sock_, FIONREAD, &avail) == 0 && avail > 0);
  }

  // Before each request: forget the previous answer's head.
  void next_answer() { head_seen_ = close_after_ = false; }
  // The answer just written ends the connection.
  bool close_after() const { return close_after_; }

 private:
  // httplib writes an answer's status line and headers in one write.
  void note_head(const char* p, size_t n) {
    if (head_seen_) return;
    std::string_view s(p, n);
    if (s.size() < 12 || s.substr(0, 5) != "HTTP/") return;  // not a head
    int status = std::atoi(std::string(s.substr(9, 3)).c_str());
    if (status < 200) return;  // 100 Continue: the real answer follows
    head_seen_ = true;
    auto end = s.find("\r\n\r\n");
    auto headers = s.substr(0, end);
    close_after_ = status == 400 || status == 408 || status == 413 || status == 414 || status == 431 ||
                   headers.find("\r\nConnection: close\r\n") != std::string_view::npos ||
                   headers.ends_with("\r\nConnection: close");
  }

  // A peer that closed its end is not worth writing to (as httplib's
  // is_socket_alive): readable with nothing to read means end of stream.
  bool peer_alive() const {
    if (!wait_for(sock_, POLLIN, 0)) return true;
    char c;
    return ::recv(sock_, &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
  }

  const int sock_;
  const long read_ms_, write_ms_;
  std::array<char, 4096> buf_{};
  size_t begin_ = 0, end_ = 0;
  bool head_seen_ = false, close_after_ = false;
};

// Thrown out of process_request by the setup hook (before any body is read
// and before routing), caught by the connection loop, which answers it.
struct BadFraming {
  FramingError error;
  std::string method, path;  // for the answer observer
};

void answer_framing_error(ConnectionStream& strm, const FramingError& e) {
  const std::string body = nlohmann::json{{"error", e.message}}.dump();
  const char* reason = e.status == 413 ? "Payload Too Large" : "Bad Request";
  const std::string out =
      "HTTP/1.1 " + std::to_string(e.status) + " " + reason +
      "\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  size_t off = 0;
  while (off < out.size()) {
    ssize_t n = strm.write(out.data() + off, out.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

// Sends FIN, then reads and discards what the client is still sending, for a
// bounded time, so that closing does not reset the connection (a reset can
// destroy the answer before the client has read it).
// Ordinarily at most 1 MiB within 500 ms; a declared over-limit body up to
// its length (capped at kDrainCap) while it keeps coming (1 s of silence ends it).
void close_gracefully(int sock, bool input_pending, size_t drain_body = 0) {
  ::shutdown(sock, SHUT_WR);
  if (input_pending || drain_body > 0) {
    const size_t max_bytes = drain_body > 0 ? std::min(drain_body, kDrainCap) : size_t{1} << 20;
    const auto total = drain_body > 0 ? std::chrono::seconds(30) : std::chrono::milliseconds(500);
    const long idle_ms = drain_body > 0 ? 1000 : 100;
    char buf[16384];
    size_t drained = 0;
    const auto until = std::chrono::steady_clock::now() + total;
    while (drained < max_bytes && std::chrono::steady_clock::now() < until && wait_for(sock, POLLIN, idle_ms)) {
      ssize_t n = ::recv(sock, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      drained += static_cast<size_t>(n);
    }
  }
  ::close(sock);
}

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

bool takes_body(const std::string& method) {
  // The methods httplib 0.11.4 reads a body for (detail::expect_content).
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

std::optional<FramingError> check_framing(const httplib::Request& req, size_t payload_max) {
  const auto te = req.headers.equal_range("Transfer-Encoding");
  const auto cl = req.headers.equal_range("Content-Length");
  const bool has_te = te.first != te.second, has_cl = cl.first != cl.second;
  if (has_te) {
    if (std::next(te.first) != te.second || strcasecmp(te.first->second.c_str(), "chunked") != 0)
      return FramingError{400, "unsupported Transfer-Encoding (only a single 'chunked' is accepted)"};
    if (has_cl) return FramingError{400, "Content-Length and Transfer-Encoding must not both be given"};
  }
  std::optional<std::string> length;
  for (auto it = cl.first; it != cl.second; ++it) {
    if (!all_digits(it->second) || it->second.size() > 18)
      return FramingError{400, "Content-Length must be a plain non-negative number"};
    if (length && *length != it->second) return FramingError{400, "conflicting Content-Length headers"};
    length = it->second;
  }
  const bool body = has_te || (length && std::stoull(*length) > 0);
  if (body && !takes_body(req.method)) return FramingError{400, req.method + " requests take no body"};
  if (length && std::stoull(*length) > payload_max)
    return FramingError{413, "request body too large (limit " + std::to_string(payload_max) + " bytes)",
                        static_cast<size_t>(std::stoull(*length))};
  return std::nullopt;
}

void Server::on_answer(AnswerObserver observer) {
  observer_ = std::move(observer);
  if (!observer_) {
    set_logger(nullptr);
    return;
  }
  set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    // 414 is answered before the request line is parsed; an unreadable
    // request line leaves the method empty.
    observer_(req, res.status, !req.method.empty() && res.status != 414);
  });
}

bool Server::process_and_close_socket(socket_t sock) {
  ConnectionStream strm(sock, to_ms(read_timeout_sec_, read_timeout_usec_),
                        to_ms(write_timeout_sec_, write_timeout_usec_));
  const long keep_alive_ms = static_cast<long>(keep_alive_timeout_sec_) * 1000;
  const size_t payload_max = payload_max_length_;
  auto check = [payload_max](httplib::Request& req) {
    if (auto e = check_framing(req, payload_max)) throw BadFraming{*e, req.method, req.path};
  };
  // Waits for the next request: already buffered, or arriving within the
  // keep-alive timeout (in slices, so a stopping server is noticed).
  auto next_request = [&] {
    if (strm.buffered() > 0) return true;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(keep_alive_ms);
    while (svr_sock_ != INVALID_SOCKET) {
      if (wait_for(sock, POLLIN, 50)) return true;
      if (std::chrono::steady_clock::now() >= until) return false;
    }
    return false;
  };

  bool ret = false, answered_last = false;
  size_t drain_body = 0;
  for (size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET && next_request(); --left) {
    strm.next_answer();
    bool connection_closed = false;
    try {
      ret = process_request(strm, /*close_connection=*/left == 1, connection_closed, check);
    } catch (const BadFraming& e) {
      answer_framing_error(strm, e.error);
      if (observer_) {
        httplib::Request refused;
        refused.method = e.method;
        refused.path = e.path;
        observer_(refused, e.error.status, /*routed=*/false);
      }
      drain_body = e.error.drain > strm.buffered() ? e.error.drain - strm.buffered() : 0;
      ret = false;
      answered_last = true;
      break;
    }
    if (!ret) break;
    if (connection_closed || strm.close_after() || left == 1) {
      answered_last = true;
      break;
    }
  }
  close_gracefully(sock, answered_last && strm.input_pending(), drain_body);
  return ret;
}

}  // namespace td::httpserve
