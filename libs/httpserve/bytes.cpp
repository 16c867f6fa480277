#include "httpserve/bytes.h"

#include <cstdio>

namespace td::httpserve {

namespace {
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

std::optional<uint64_t> parse_u64(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::string strip_weak(std::string tag) {
  tag = trim(tag);
  if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
  return tag;
}
}  // namespace

RangeResult parse_range(const std::string& header, uint64_t size) {
  RangeResult out;
  std::string h = trim(header);
  if (h.empty()) return out;
  if (h.rfind("bytes=", 0) != 0 || h.find(',') != std::string::npos) {
    out.kind = RangeKind::Ignored;
    return out;
  }
  std::string spec = trim(h.substr(6));
  auto dash = spec.find('-');
  if (dash == std::string::npos) {
    out.kind = RangeKind::Ignored;
    return out;
  }
  std::string a = trim(spec.substr(0, dash)), b = trim(spec.substr(dash + 1));
  if (a.empty()) {  // suffix: the last n bytes
    auto n = parse_u64(b);
    if (!n) return {RangeKind::Ignored, {}};
    if (*n == 0 || size == 0) return {RangeKind::Unsatisfiable, {}};
    uint64_t len = std::min(*n, size);
    return {RangeKind::Satisfiable, {size - len, size - 1}};
  }
  auto first = parse_u64(a);
  if (!first) return {RangeKind::Ignored, {}};
  uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto l = parse_u64(b);
    if (!l || *l < *first) return {RangeKind::Ignored, {}};
    last = std::min(*l, last);
  }
  if (*first >= size) return {RangeKind::Unsatisfiable, {}};
  return {RangeKind::Satisfiable, {*first, last}};
}

std::string etag_for(const std::string& bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%016llx-%zx\"", static_cast<unsigned long long>(h), bytes.size());
  return buf;
}

bool etag_matches(const std::string& if_none_match, const std::string& etag) {
  std::string want = strip_weak(etag);
  size_t pos = 0;
  while (pos <= if_none_match.size()) {
    size_t comma = if_none_match.find(',', pos);
    std::string item = trim(if_none_match.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (item == "*") return true;
    if (!item.empty() && strip_weak(item) == want) return true;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return false;
}

void serve_bytes(const httplib::Request& req, httplib::Response& res, std::shared_ptr<const std::string> bytes,
                 const std::string& content_type, const std::string& etag) {
  // Keep httplib from applying the range a second time (see the header).
  const_cast<httplib::Request&>(req).ranges.clear();

  const uint64_t size = bytes->size();
  res.set_header("Accept-Ranges", "bytes");
  if (!etag.empty()) res.set_header("ETag", etag);

  if (!etag.empty() && req.has_header("If-None-Match") && etag_matches(req.get_header_value("If-None-Match"), etag)) {
    res.status = 304;
    return;
  }

  auto range = parse_range(req.get_header_value("Range"), size);
  if (range.kind == RangeKind::Unsatisfiable) {
    res.status = 416;
    res.set_header("Content-Range", "bytes */" + std::to_string(size));
    return;  // the router's error handler adds the JSON body
  }
  uint64_t first = 0, length = size;
  if (range.kind == RangeKind::Satisfiable) {
    first = range.range.first;
    length = range.range.last - range.range.first + 1;
    res.status = 206;
    res.set_header("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(range.range.last) + "/" +
                                        std::to_string(size));
  } else {
    res.status = 200;
  }
  if (length == 0) {
    res.set_content("", content_type);
    return;
  }
  res.set_content_provider(static_cast<size_t>(length), content_type,
                           [bytes, first](size_t offset, size_t len, httplib::DataSink& sink) {
                             return sink.write(bytes->data() + first + offset, len);
                           });
}

}  // namespace td::httpserve
