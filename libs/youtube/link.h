// YouTube links -> the canonical video key `yt:<id>`.
//
// Accepted: watch?v=, youtu.be/, shorts/, live/, embed/, v/, e/ paths on
// youtube.com (www., m., music., no www) and youtube-nocookie.com, with or
// without http(s)://, with extra parameters (&t=, &list=, si=, #t=), a bare
// 11-character id, and `yt:<id>`.
// Rejected with td::PermanentError reason "bad_link" and a message saying
// why: playlist-only links, channels (@handle, /channel/, /c/, /user/), other
// sites, and ids that are not exactly 11 of [A-Za-z0-9_-]. Nothing is guessed:
// a v= value of the wrong length is an error, not trimmed.
#pragma once

#include <string>
#include <string_view>

namespace td::youtube {

bool is_valid_video_id(std::string_view id);

// The 11-character video id in `link`; throws td::PermanentError("bad_link").
std::string parse_video_id(std::string_view link);

// Video keys: how a video is named in every table, event and URL of ours,
// "yt:<11-character id>". The one place that spells the prefix.
inline constexpr std::string_view kKeyPrefix = "yt:";
// The key of a valid id (unchecked: pass what parse_video_id returned).
std::string video_key(std::string_view id);
// True for exactly "yt:" + a valid id (no link forms).
bool is_video_key(std::string_view key);
// The id inside a key; throws td::PermanentError("bad_link") for anything
// that is not a key.
std::string id_of_key(std::string_view key);

// video_key(parse_video_id(link)).
std::string canonical_key(std::string_view link);

// "https://www.youtube.com/watch?v=<id>": the one URL handed to yt-dlp.
std::string watch_url(std::string_view id);

}  // namespace td::youtube
