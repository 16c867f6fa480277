// Incremental parser for an SSE response read from a raw socket: HTTP status
// line and headers, chunked transfer decoding, then the event stream
// (id/event/data/retry fields, comments). Used by the tests and the benchmark,
// and usable by end-to-end tests that want to watch /api/report-events.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace td::sse {

struct SseMessage {
  std::optional<std::string> id;  // the `id:` field when the message had one
  std::string event;              // empty means "message"
  std::string data;               // data lines joined by '\n'
  std::optional<long> retry;
  std::vector<std::string> comments;
  bool has_fields() const { return id || !event.empty() || !data.empty() || retry; }
};

class SseResponseParser {
 public:
  // Feeds raw bytes; complete messages are appended to `out`. Returns false on
  // a protocol error (error() says which).
  bool feed(const char* data, size_t n, std::vector<SseMessage>& out);

  bool head_done() const { return head_done_; }
  int status() const { return status_; }
  const std::map<std::string, std::string>& headers() const { return headers_; }  // lower-case names
  bool finished() const { return finished_; }         // the terminating 0-size chunk was read
  const std::string& body() const { return plain_; }  // non-chunked bodies (error answers)
  const std::string& error() const { return error_; }

 private:
  void on_body_bytes(const char* p, size_t n, std::vector<SseMessage>& out);
  void on_line(const std::string& line, std::vector<SseMessage>& out);

  std::string buf_;
  bool head_done_ = false, chunked_ = false, finished_ = false;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
  std::string error_;
  // chunk state
  size_t chunk_left_ = 0;
  enum class CState { Size, Data, DataEnd, Trailer } cstate_ = CState::Size;
  // sse state
  std::string line_;
  SseMessage cur_;
  bool cur_any_ = false;
  std::string plain_;
};

}  // namespace td::sse
