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
//
// Each route has a name, its template (`/api/reports/{id}`): what metrics
// count requests by, so a raw path (a video id, a probe's random URL) never
// becomes a label. A literal pattern is its own name; a pattern with groups
// should be given one (without, the regex text itself is the name: still
// one fixed string per route).
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

  // `name`: the route's template (see above); empty: the pattern.
  Router& get(const std::string& pattern, Handler h, const std::string& name = "");  // answers HEAD too
  Router& del(const std::string& pattern, Handler h, const std::string& name = "");
  Router& post(const std::string& pattern, BodyHandler h, const std::string& name = "");
  Router& put(const std::string& pattern, BodyHandler h, const std::string& name = "");

  // Methods registered for a path, sorted ("GET, HEAD" style pieces). Empty
  // when no pattern matches: the path is unknown.
  std::vector<std::string> allowed_methods(const std::string& path) const;

  // The name of the first route whose pattern matches `path` (whatever its
  // method), or kOtherRoute when none does.
  const std::string& route_of(const std::string& path) const;
  static const std::string kOtherRoute;  // "other"

  size_t max_body_bytes() const { return max_body_; }

 private:
  struct Route {
    std::regex pattern;
    std::string method;
    std::string name;
    // The pattern's text before its first regex metacharacter, and whether
    // that is all of it: most paths are then told apart by a string compare
    // (route_of runs for every request; std::regex costs microseconds).
    std::string literal;
    bool exact = false;
    bool matches(const std::string& path) const;
  };
  void remember(const std::string& pattern, const std::string& method, const std::string& name);
  httplib::Server::HandlerWithContentReader with_body(BodyHandler h) const;

  httplib::Server& svr_;
  size_t max_body_;
  std::vector<Route> routes_;
};

}  // namespace td::httpserve
