// Reading a request body with a hard size limit.
//
// httplib 0.11.4 enforces set_payload_max_length only for requests with a
// Content-Length: it sets 413 and reads the declared body to discard it
// (skip_content_with_length), so nothing is buffered but the bytes are drained
// and the keep-alive connection stays in sync. A chunked body is not limited at
// all on the plain (non content-reader) path: it is appended to req.body
// without bound. So POST/PUT routes go through a ContentReader handler and
// read_body_limited, which keeps at most `limit` bytes whatever the framing.
//
// Past the limit the rest is read and thrown away (up to kDrainCap) so that the
// next request on the same connection parses; beyond the cap reading stops and
// the connection is marked to close (httplib then answers garbage with 400s
// until the client hangs up, which it does on `Connection: close`).
#pragma once

#include <httplib.h>

#include <string>

namespace td::httpserve {

enum class BodyStatus { Ok, TooLarge, ReadFailed };

struct BodyResult {
  BodyStatus status = BodyStatus::Ok;
  std::string body;
};

inline constexpr size_t kDrainCap = size_t{64} << 20;

BodyResult read_body_limited(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                             size_t limit);

// Makes httplib answer this request with `Connection: close` (it reads the
// request's own Connection header when it writes the answer).
void mark_close(const httplib::Request& req);

// Writes the 413 JSON answer with `Connection: close`.
void reject_too_large(const httplib::Request& req, httplib::Response& res, size_t limit);

}  // namespace td::httpserve
