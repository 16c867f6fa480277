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

// The first "ERROR:" line, else the last non-empty line: the line a failure
// quotes.
std::string error_line(const std::string& err) {
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
  return line;
}

// error_line() cut to 300 bytes, for the message.
std::string headline(const std::string& err) { return utf8::truncate(error_line(err), 300); }

// The first "HTTP Error NNN" in `text` (folded: "http error nnn") whose three
// digits stand alone and make a status, as Python's urllib and yt-dlp's own
// networking layer print an HTTPError ("HTTP Error 403: Forbidden").
std::optional<int> first_http_error(const std::string& text) {
  static constexpr std::string_view kNeedle = "http error ";
  std::string folded = fold(text);
  auto digit = [&](size_t i) { return i < folded.size() && std::isdigit(static_cast<unsigned char>(folded[i])); };
  for (auto pos = folded.find(kNeedle); pos != std::string::npos; pos = folded.find(kNeedle, pos + 1)) {
    size_t d = pos + kNeedle.size();
    if (!digit(d) || !digit(d + 1) || !digit(d + 2) || digit(d + 3)) continue;
    int status = (folded[d] - '0') * 100 + (folded[d + 1] - '0') * 10 + (folded[d + 2] - '0');
    if (status >= 100 && status <= 599) return status;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> ytdlp_http_status(const std::string& err) { return first_http_error(error_line(err)); }

std::optional<int> ytdlp_throttle_status(const std::string& err) {
  if (auto status = ytdlp_http_status(err)) return status;
  if (fold(err).find("http error 429") != std::string::npos) return 429;
  return std::nullopt;
}

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
  if (stderr_shows_throttle(r.err)) throw Throttled(detail, std::nullopt, ytdlp_throttle_status(r.err));
  auto status = ytdlp_http_status(r.err);
  if (has_any(e, {"this live event will begin", "premieres in", "premiere will begin", "waiting for scheduled stream",
                  "live event will begin"})) {
    throw td::PermanentError("live_not_finished", detail, status);
  }
  if (has_any(e, {"private video"})) throw td::PermanentError("private", detail, status);
  if (has_any(e, {"confirm your age", "age-restricted", "inappropriate for some users"})) {
    throw td::PermanentError("age_restricted", detail, status);
  }
  if (has_any(e, {"members-only", "join this channel"})) throw td::PermanentError("members_only", detail, status);
  if (has_any(e, {"not available in your country", "blocked it in your country", "geo restriction",
                  "not made this video available in your country"})) {
    throw td::PermanentError("geo_blocked", detail, status);
  }
  if (has_any(e, {"video unavailable", "this video is unavailable", "this video is not available", "has been removed",
                  "no longer available", "has been terminated", "recording is not available", "does not exist"})) {
    throw td::PermanentError("unavailable", detail, status);
  }
  if (has_any(e, {"is not a valid url", "unsupported url", "incomplete youtube id"})) {
    throw td::PermanentError("bad_link", detail, status);
  }
  throw td::TransientError("ytdlp_failed", detail, status);
}

}  // namespace td::youtube
