#include "youtube/ytdlp_errors.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string_view>

#include "common/errors.h"
#include "youtube/errors.h"
#include "youtube/utf8.h"

namespace td::youtube {

namespace {

// Lower-case, with the typographic apostrophe YouTube uses ("you’re") folded to '.
std::string fold(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "\xE2\x80\x99") == 0) {
      out += '\'';
      i += 2;
      continue;
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  }
  return out;
}

bool has_any(const std::string& hay, std::initializer_list<std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return hay.find(n) != std::string::npos; });
}

// The first "ERROR:" line, else the last non-empty line, cut to 300 bytes.
std::string headline(const std::string& err) {
  std::string clean = utf8::sanitize(err);
  auto pos = clean.find("ERROR:");
  std::string line;
  if (pos != std::string::npos) {
    line = clean.substr(pos, clean.find('\n', pos) - pos);
  } else {
    auto end = clean.find_last_not_of(" \r\n\t");
    if (end != std::string::npos) {
      auto start = clean.find_last_of('\n', end);
      start = start == std::string::npos ? 0 : start + 1;
      line = clean.substr(start, end - start + 1);
    }
  }
  return utf8::truncate(line, 300);
}

}  // namespace

bool stderr_shows_throttle(const std::string& err) {
  std::string e = fold(err);
  return (e.find("confirm you're not a bot") != std::string::npos) ||
         has_any(e, {"http error 429", "too many requests", "rate-limited by youtube", "rate limited by youtube",
                     "content isn't available, try again later"});
}

void throw_ytdlp_failure(const td::process::Result& r, const std::string& id, const std::string& step) {
  std::string what = "yt-dlp " + step + " for yt:" + id;
  if (r.timed_out) throw td::TransientError("ytdlp_timeout", what + " timed out and was killed");
  std::string line = headline(r.err);
  std::string detail = what + " failed (" +
                       (r.signal ? "signal " + std::to_string(r.signal) : "exit " + std::to_string(r.exit_code)) + ")" +
                       (line.empty() ? "" : ": " + line);
  if (r.signal) throw td::TransientError("ytdlp_failed", detail);
  std::string e = fold(r.err);
  if (stderr_shows_throttle(r.err)) throw Throttled(detail);
  if (has_any(e, {"this live event will begin", "premieres in", "premiere will begin", "waiting for scheduled stream",
                  "live event will begin"})) {
    throw td::PermanentError("live_not_finished", detail);
  }
  if (has_any(e, {"private video"})) throw td::PermanentError("private", detail);
  if (has_any(e, {"confirm your age", "age-restricted", "inappropriate for some users"})) {
    throw td::PermanentError("age_restricted", detail);
  }
  if (has_any(e, {"members-only", "join this channel"})) throw td::PermanentError("members_only", detail);
  if (has_any(e, {"not available in your country", "blocked it in your country", "geo restriction",
                  "not made this video available in your country"})) {
    throw td::PermanentError("geo_blocked", detail);
  }
  if (has_any(e, {"video unavailable", "this video is unavailable", "this video is not available", "has been removed",
                  "no longer available", "has been terminated", "recording is not available", "does not exist"})) {
    throw td::PermanentError("unavailable", detail);
  }
  if (has_any(e, {"is not a valid url", "unsupported url", "incomplete youtube id"})) {
    throw td::PermanentError("bad_link", detail);
  }
  throw td::TransientError("ytdlp_failed", detail);
}

}  // namespace td::youtube
