#include "sse/http.h"

#include <spdlog/spdlog.h>

#include "common/quote.h"
#include "events/types.h"
#include "httpserve/errors.h"

namespace td::sse {

const std::vector<std::string>& known_event_types() {
  static const std::vector<std::string> types(events::kAllTypes.begin(), events::kAllTypes.end());
  return types;
}

EndpointOptions::EndpointOptions() {
  allowed_types.insert(known_event_types().begin(), known_event_types().end());
  allowed_types.insert("reset");
}

namespace {
int64_t parse_id(const std::string& v, const char* what) {
  if (v.empty() || v.size() > 18) throw std::invalid_argument(std::string(what) + " must be a non-negative integer");
  int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') throw std::invalid_argument(std::string(what) + " must be a non-negative integer");
    n = n * 10 + (c - '0');
  }
  return n;
}

bool valid_video_id(const std::string& v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}
}  // namespace

SubscribeOptions parse_subscribe_request(const httplib::Request& req, const EndpointOptions& opts) {
  SubscribeOptions o;
  if (req.has_param("video_id")) {
    o.filter.video_id = req.get_param_value("video_id");
    if (!valid_video_id(o.filter.video_id)) throw std::invalid_argument("video_id is not a valid id");
  }
  if (req.has_param("types")) {
    const std::string t = req.get_param_value("types");
    size_t pos = 0;
    while (pos <= t.size()) {
      size_t comma = t.find(',', pos);
      std::string item = t.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      if (!item.empty()) {
        if (!opts.allowed_types.empty() && !opts.allowed_types.count(item)) {
          throw std::invalid_argument("unknown event type in types: " + quote_input(item));
        }
        o.filter.types.insert(item);
      }
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    // A reset must reach a client whatever it filters on.
    if (!o.filter.types.empty()) o.filter.types.insert("reset");
  }
  if (req.has_param("batch")) {
    const std::string b = req.get_param_value("batch");
    if (b == "0" || b == "false" || b == "off" || b == "no") o.batch = false;
    else if (b == "1" || b == "true" || b == "on" || b == "yes") o.batch = true;
    else throw std::invalid_argument("batch must be 0 or 1");
  }
  if (req.has_header("Last-Event-ID") && !req.get_header_value("Last-Event-ID").empty()) {
    o.last_event_id = parse_id(req.get_header_value("Last-Event-ID"), "Last-Event-ID");
  } else if (req.has_param("last_event_id")) {
    o.last_event_id = parse_id(req.get_param_value("last_event_id"), "last_event_id");
  }
  return o;
}

httplib::Server::Handler report_events_handler(Broker& broker, EndpointOptions opts) {
  return [&broker, opts](const httplib::Request& req, httplib::Response& res) {
    SubscribeOptions so;
    try {
      so = parse_subscribe_request(req, opts);
    } catch (const std::invalid_argument& e) {
      return httpserve::json_error(res, 400, e.what());
    }
    auto sub = broker.subscribe(std::move(so));
    if (!sub && broker.stopped()) {
      // Shutting down (a request on a kept-alive connection can still get
      // here). Any status but 200 makes an EventSource stop reconnecting for
      // good, so start a 200 stream and abort it at once: to the client that
      // is a dropped connection, and it comes back with its Last-Event-ID.
      res.set_chunked_content_provider("text/event-stream", [](size_t, httplib::DataSink&) { return false; });
      return;
    }
    if (!sub) {
      res.set_header("Retry-After", std::to_string(broker.config().retry_after.count()));
      return httpserve::json_error(res, 503, "too many event stream clients; retry later");
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    const auto slice = opts.wait_slice;
    // One buffer per stream, reused for every chunk: with 2,000 streams woken
    // by one flush, growing a fresh string each time had the writers queue on
    // malloc's arena locks.
    auto buf = std::make_shared<std::string>();
    res.set_chunked_content_provider(
        "text/event-stream",
        [sub, slice, buf](size_t, httplib::DataSink& sink) {
          std::string& out = *buf;
          switch (sub->next(out, slice)) {
            case Subscription::Next::Closed:
              // Server going down: abort the response, which makes httplib
              // close the socket now. Ending the body cleanly (sink.done())
              // would leave the connection waiting out its keep-alive timeout
              // for a next request, and stop() with it. Clients reconnect
              // with their Last-Event-ID either way.
              return false;
            case Subscription::Next::Dropped: return false;
            case Subscription::Next::Idle: return true;  // httplib checks for server stop between calls
            case Subscription::Next::Data: break;
          }
          // sink.write() fails when the socket is not writable within the
          // server's write timeout (httplib polls before it sends), so a
          // separate is_writable() check would only cost a second poll.
          if (!sink.write(out.data(), out.size())) {
            sub->write_failed();
            return false;
          }
          if (out.capacity() > 64 * 1024) std::string().swap(out);  // a replay page: do not keep it
          return true;
        },
        [sub](bool) { sub->close(); });
  };
}

void install_report_events(httplib::Server& svr, Broker& broker, EndpointOptions opts) {
  auto path = opts.path;
  svr.Get(path, report_events_handler(broker, std::move(opts)));
}

}  // namespace td::sse
