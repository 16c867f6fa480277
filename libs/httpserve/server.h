// httplib::Server with its per-connection loop replaced.
//
// httplib 0.11.4 reads each connection through a SocketStream made afresh for
// every request, and that stream reads ahead into a 4 KiB buffer. Two
// requests in one write: the second is in the first request's buffer, which
// is thrown away; the loop then waits for the socket to become readable,
// which it never does, and the client hears nothing until the keep-alive
// timeout. The loop is a private virtual (process_and_close_socket), and the
// request parser it calls (process_request) is protected, so this class keeps
// httplib's parser, router and writer and replaces only the loop around them:
//
//   - one ConnectionStream per connection, whose read buffer lives as long as
//     the connection: pipelined requests are answered in order;
//   - the loop closes the connection after any answer that says
//     `Connection: close` or is a 400, 408, 413, 414 or 431 (a malformed
//     request leaves the stream at an unknown place: reading on would only
//     produce more 400s);
//   - framing is checked once the headers are read, before any body is
//     (check_framing): a Content-Length that is not a plain number, several
//     different ones, one together with Transfer-Encoding, a Transfer-Encoding
//     other than `chunked`, or a body on a method that takes none get 400 at
//     once; a Content-Length over the payload limit gets 413 at once (httplib
//     would try to read and discard that many bytes first, up to the read
//     timeout), and the body is then discarded while it keeps arriving. Both
//     close the connection;
//   - closing with unread input sends FIN first and discards what is still
//     arriving for a moment (bounded), so the client reads its answer instead
//     of a reset;
//   - on_answer() sees every answer sent, the framing errors above included
//     (httplib's logger alone would miss those).
#pragma once

#include <httplib.h>

#include <functional>
#include <optional>
#include <string>

namespace td::httpserve {

// Why a request's framing cannot be trusted: the status and message to answer.
struct FramingError {
  int status;
  std::string message;
  // A body declared over the limit is still read and discarded after the
  // answer (up to kDrainCap, while it keeps coming) so that a client that
  // sends it all before reading gets the 413 rather than a reset.
  size_t drain = 0;
};

// nullopt when the headers frame the body unambiguously (see above).
std::optional<FramingError> check_framing(const httplib::Request& req, size_t payload_max);

class Server : public httplib::Server {
 public:
  // Called once per answer, on the thread that wrote it, after it was
  // written (an event stream's when the stream ends). `routed` is false for
  // requests refused before they could be routed: the framing errors above
  // (`req` then holds only the method and path) and httplib's own 400/414
  // for a request line it could not read (no method). Uses httplib's
  // logger hook: do not also call set_logger(). Set before listening.
  using AnswerObserver = std::function<void(const httplib::Request& req, int status, bool routed)>;
  void on_answer(AnswerObserver observer);

 private:
  bool process_and_close_socket(socket_t sock) override;

  AnswerObserver observer_;
};

}  // namespace td::httpserve
