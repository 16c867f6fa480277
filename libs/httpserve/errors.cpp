#include "httpserve/errors.h"

#include <nlohmann/json.hpp>

namespace td::httpserve {

void json_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  nlohmann::json body{{"error", message}};
  // replace: a message quoting client input may hold invalid UTF-8; never throw
  // while reporting an error.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

std::string default_error_message(int status) {
  switch (status) {
    case 400: return "bad request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 408: return "request timeout";
    case 413: return "request body too large";
    case 414: return "request URI too long";
    case 415: return "unsupported media type";
    case 416: return "range not satisfiable";
    case 429: return "too many requests";
    case 500: return "internal error";
    case 503: return "service unavailable";
    default: return "error " + std::to_string(status);
  }
}

}  // namespace td::httpserve
