// Text hygiene for everything that comes from YouTube or a user: it ends up
// in Postgres (which rejects invalid UTF-8) and in nlohmann::json (whose dump()
// throws on it), so invalid bytes are replaced before anything else sees them.
#pragma once

#include <string>
#include <string_view>

namespace td::youtube::utf8 {

// Replaces every invalid UTF-8 sequence (stray continuation bytes, overlong
// forms, surrogates, truncated sequences, > U+10FFFF) with U+FFFD, and drops
// NUL and other C0 control characters except \t \n \r.
std::string sanitize(std::string_view in);

// True when `in` is already valid UTF-8.
bool valid(std::string_view in);

// The byte offset of the first invalid sequence in `in`, or std::string_view::npos
// when it is all valid UTF-8 (for messages that point at the bad byte).
size_t first_invalid(std::string_view in);

// At most `max_chars` code points of valid UTF-8 `in`; sets *cut when it shortened it.
std::string truncate(std::string_view in, size_t max_chars, bool* cut = nullptr);

// For raw JSON text: sanitize() plus replacement of \uD800-\uDFFF escapes that
// do not form a valid surrogate pair with \uFFFD. Python's json.dumps (yt-dlp)
// emits lone surrogates for broken titles, and one would make the whole
// document unparseable.
std::string sanitize_json_text(std::string_view in);

// Appends code point cp as UTF-8 (cp must be a valid scalar value).
void append(char32_t cp, std::string& out);

}  // namespace td::youtube::utf8
