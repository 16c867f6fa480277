// GET /api/report-events on a cpp-httplib server, streaming a Broker.
//
// Query: video_id=yt:..., types=a,b, batch=0|1 (default 1), last_event_id=N;
// the Last-Event-ID header (what EventSource sends when it reconnects) wins
// over the query parameter. Bad values -> 400 JSON. At the client cap -> 503
// JSON with Retry-After.
//
// The stream is a chunked response with Content-Type text/event-stream
// (exactly that string: httplib 0.11 never compresses it, so frames are not
// held in a gzip buffer), Cache-Control: no-cache, X-Accel-Buffering: no (nginx
// would otherwise buffer it). The content provider waits at most wait_slice
// per call and returns false when a write fails; httplib's socket write first
// waits (up to the write timeout) for the socket to be writable and fails if
// it is not (checked in libcpp-httplib 0.11.4's SocketStream::write). So a
// closed connection frees its thread and its broker slot, and Server::stop()
// returns within wait_slice (+ the write timeout).
//
// Thread budget: see broker.h (6) and td::httpserve::configure_server.
#pragma once

#include <httplib.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "sse/broker.h"

namespace td::sse {

// The event types of the outbox (events::kAllTypes), for validating ?types=.
const std::vector<std::string>& known_event_types();

struct EndpointOptions {
  std::string path = "/api/report-events";
  // Non-empty: ?types= naming another type is a 400. Defaults to
  // known_event_types() plus "reset".
  std::set<std::string> allowed_types;
  std::chrono::milliseconds wait_slice{500};
  EndpointOptions();
};

// Parses the request into subscribe options; throws std::invalid_argument with
// a message fit for the client on bad input.
SubscribeOptions parse_subscribe_request(const httplib::Request& req, const EndpointOptions& opts);

// The handler, for registering through a route table (td::httpserve::Router).
// The broker must outlive the server.
httplib::Server::Handler report_events_handler(Broker& broker, EndpointOptions opts = {});

// svr.Get(opts.path, report_events_handler(broker, opts)).
void install_report_events(httplib::Server& svr, Broker& broker, EndpointOptions opts = {});

}  // namespace td::sse
