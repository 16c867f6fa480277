// Serving a blob (an MP3, a report) with ETag / If-None-Match and single-range
// requests, so browsers and phones can cache and seek.
//
// httplib 0.11.4 applies req.ranges to every routed response on its own
// (Server::apply_ranges): it slices the body again, never answers
// `Content-Range: bytes */N` and turns an unparseable Range header into 416
// before routing. serve_bytes clears req.ranges and does it all itself:
//   200 full body; 206 + Content-Range for one satisfiable range;
//   416 + `Content-Range: bytes */N` when the range starts past the end;
//   several ranges ("a-b,c-d") -> the full body with 200 (allowed by RFC 9110);
//   If-None-Match matching the ETag (weak comparison, or `*`) -> 304, no body.
// The bytes are shared, not copied: the content provider writes straight from
// the shared buffer.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace td::httpserve {

struct ByteRange {
  uint64_t first = 0;  // inclusive
  uint64_t last = 0;   // inclusive
};

enum class RangeKind { None, Satisfiable, Unsatisfiable, Ignored };

struct RangeResult {
  RangeKind kind = RangeKind::None;
  ByteRange range;
};

// Parses a Range header against a body of `size` bytes. "bytes=a-b", "a-",
// "-n"; `last` is clamped to size-1. Malformed or multi-range headers are
// Ignored (serve the whole body), as RFC 9110 allows.
RangeResult parse_range(const std::string& header, uint64_t size);

// A strong ETag for bytes: quoted hex of a 64-bit FNV-1a hash plus the length.
// Callers with a natural version (a revision, a sha256) should pass that instead.
std::string etag_for(const std::string& bytes);

// True when an If-None-Match header value matches etag (weak comparison).
bool etag_matches(const std::string& if_none_match, const std::string& etag);

void serve_bytes(const httplib::Request& req, httplib::Response& res, std::shared_ptr<const std::string> bytes,
                 const std::string& content_type, const std::string& etag);

}  // namespace td::httpserve
