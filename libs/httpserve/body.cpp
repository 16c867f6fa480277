#include "httpserve/body.h"

#include "httpserve/errors.h"

namespace td::httpserve {

void mark_close(const httplib::Request& req) {
  // httplib reads the request's Connection header when writing the answer.
  // The Request object is not const inside httplib; handlers only get a const
  // view of it.
  auto& headers = const_cast<httplib::Request&>(req).headers;
  headers.erase("Connection");
  headers.emplace("Connection", "close");
}

BodyResult read_body_limited(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                             size_t limit) {
  BodyResult out;
  size_t seen = 0;
  bool too_large = false;
  bool ok = reader([&](const char* data, size_t n) {
    seen += n;
    if (too_large || seen > limit) {
      too_large = true;
      out.body.clear();
      out.body.shrink_to_fit();
      return seen <= kDrainCap;  // discard; past the cap stop reading at all
    }
    out.body.append(data, n);
    return true;
  });
  // httplib's own Content-Length check (set_payload_max_length) answers 413
  // without calling our receiver.
  if (res.status == 413) too_large = true;
  if (too_large) {
    out.status = BodyStatus::TooLarge;
    if (seen > kDrainCap) mark_close(req);
  } else if (!ok) {
    out.status = BodyStatus::ReadFailed;
    out.body.clear();
    mark_close(req);
  }
  return out;
}

void reject_too_large(const httplib::Request& req, httplib::Response& res, size_t limit) {
  (void)req;
  json_error(res, 413, "request body too large (limit " + std::to_string(limit) + " bytes)");
}

}  // namespace td::httpserve
