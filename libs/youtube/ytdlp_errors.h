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
#pragma once

#include <string>

#include "common/process.h"

namespace td::youtube {

// Always throws. `step` names the call ("metadata", "captions en") for the message.
[[noreturn]] void throw_ytdlp_failure(const td::process::Result& r, const std::string& video_id,
                                      const std::string& step);

// True when stderr text (even of a run that exited 0) shows throttling.
bool stderr_shows_throttle(const std::string& err);

}  // namespace td::youtube
