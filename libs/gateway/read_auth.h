// API_AUTH_READS=on: reads need the API token as well as writes.
//
// Guarded: GET/HEAD of /api/reports..., /api/audio/..., /api/report-events,
// /api/metrics..., /metrics and /api/alerts... (alert labels and
// annotations name videos, jobs and errors). Open: /healthz, /readyz (probes) and the
// dashboard page itself (it asks for the token). The token comes as
// `Authorization: Bearer` (checked by require_api_token, with all its rules)
// or, for clients that cannot send headers (EventSource, <audio>), as one
// `access_token` query parameter; both at once, or two parameters, are
// refused rather than guessed between.
#pragma once

#include <string>

#include <httplib.h>

#include "gateway/api.h"

namespace td::gateway {

// True for the paths listed above.
bool is_guarded_read(const std::string& method, const std::string& path);

// Throws HttpError 401/400 unless reads are open or the request carries the token.
void require_read_token(const ApiContext& ctx, const httplib::Request& req);

// Checks every guarded read before routing (so the SSE stream, which is not
// an ordinary handler, is covered too). Does nothing when reads are open.
void install_read_auth(httplib::Server& svr, const ApiContext& ctx);

}  // namespace td::gateway
