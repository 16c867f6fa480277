// What a failed yt-dlp run means, read from its stderr.
//
//   "Sign in to confirm you're not a bot", "HTTP Error 429", "rate-limited"
//                                             -> Throttled
//   "This live event will begin", "Premieres in", "Waiting for scheduled stream"
//                                             -> PermanentError live_not_finished
//   "Private video"                           -> PermanentError private
//   "Sign in to confirm your age"             -> PermanentError age_restricted
//   "members-only", "Join this channel"       -> PermanentError members_only
//   "not available in your country"           -> PermanentError geo_blocked
//   "Video unavailable", "removed", "terminated", "no longer available"
//                                             -> PermanentError unavailable
//   "is not a valid URL", "Unsupported URL", "Incomplete YouTube ID"
//                                             -> PermanentError bad_link
//   timeout, signal, anything else            -> TransientError (retried)
// Unknown messages are transient on purpose: a wrong "retry" costs a few
// attempts, a wrong "permanent" loses the user's video.
//
// Whatever the class, the error carries the HTTP status yt-dlp reports on the
// line the message quotes (its first "ERROR:" line): "ERROR: unable to
// download video data: HTTP Error 403: Forbidden" -> 403. Earlier WARNING
// lines do not count: yt-dlp retries through many answers and only the one it
// gave up on is the failure's. A Throttled whose ERROR line names no status
// (yt-dlp gave up on something else after a 429 in a warning) gets 429; the
// bot check gets none. A timeout or a signal has no status.
#pragma once

#include <optional>
#include <string>

#include "common/process.h"

namespace td::youtube {

// Always throws. `step` names the call ("metadata", "captions en") for the message.
[[noreturn]] void throw_ytdlp_failure(const td::process::Result& r, const std::string& video_id,
                                      const std::string& step);

// True when stderr text (even of a run that exited 0) shows throttling.
bool stderr_shows_throttle(const std::string& err);

// The status of yt-dlp's "HTTP Error NNN" (100-599) on its first "ERROR:"
// line, or on its last non-empty line when no line starts an error;
// nullopt when that line names none.
std::optional<int> ytdlp_http_status(const std::string& err);

// What a Throttled built from this stderr carries: ytdlp_http_status(), else
// 429 when any line says "HTTP Error 429", else nullopt (the bot check).
std::optional<int> ytdlp_throttle_status(const std::string& err);

}  // namespace td::youtube
