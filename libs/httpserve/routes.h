// Route table: registers handlers on an httplib::Server and remembers which
// methods exist for which path pattern, so unknown paths get 404 JSON and known
// paths with the wrong method get 405 JSON with an `Allow` header (httplib
// itself answers 404 for both).
//
// The table installs the server's error handler and exception handler:
//   - any >= 400 response with an empty body gets {"error": "..."};
//   - 404 becomes 405 when another method matches the path;
//   - td::PermanentError / std::invalid_argument escaping a handler -> 400 with
//     the message; any other exception -> 500 "internal error" (logged, not
//     echoed, since it may hold internals).
// The Router must outlive the server's listen loop (the handlers point at it).
// Register every route before listen starts: the table is read without a lock.
#pragma once

#include <httplib.h>

#include <functional>
#include <regex>
#include <string>
#include <vector>

namespace td::httpserve {

class Router {
 public:
  using Handler = httplib::Server::Handler;
  // Handlers for methods with a body get it already read and size-checked.
  using BodyHandler = std::function<void(const httplib::Request&, httplib::Response&, const std::string& body)>;

  // max_body_bytes: bodies above it get 413 without being read past the limit
  // (see body.h); it is also set as the server's payload_max_length.
  explicit Router(httplib::Server& svr, size_t max_body_bytes = 1 << 20);
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  Router& get(const std::string& pattern, Handler h);  // answers HEAD too
  Router& del(const std::string& pattern, Handler h);
  Router& post(const std::string& pattern, BodyHandler h);
  Router& put(const std::string& pattern, BodyHandler h);

  // Methods registered for a path, sorted ("GET, HEAD" style pieces). Empty
  // when no pattern matches: the path is unknown.
  std::vector<std::string> allowed_methods(const std::string& path) const;

  size_t max_body_bytes() const { return max_body_; }

 private:
  struct Route {
    std::regex pattern;
    std::string method;
  };
  void remember(const std::string& pattern, const std::string& method);
  httplib::Server::HandlerWithContentReader with_body(BodyHandler h) const;

  httplib::Server& svr_;
  size_t max_body_;
  std::vector<Route> routes_;
};

}  // namespace td::httpserve
