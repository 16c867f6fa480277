// JSON error responses: every error the gateway sends is {"error": "..."} with
// a status, whether a handler produced it or cpp-httplib did (404 for an
// unknown route, 413 from set_payload_max_length, 400 for a malformed request,
// 416 for a Range header it could not parse).
#pragma once

#include <httplib.h>

#include <stdexcept>
#include <string>

namespace td::httpserve {

// Thrown by handlers (and request checks such as single_header) for a clean
// {"error": message} answer with `status`.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

// Sets status and a one-line JSON body {"error": message}. The message is
// escaped by nlohmann::json, so it cannot break the body or the headers.
void json_error(httplib::Response& res, int status, const std::string& message);

// The reason phrase used when httplib answered on its own (no body yet).
std::string default_error_message(int status);

}  // namespace td::httpserve
