// Token checks for write endpoints (API_AUTH_TOKEN, REPROCESS_AUTH_TOKEN) and
// any later token (feeds, Telegram): every check reads its header through
// single_header, so none of them can be fooled by a value cut at a NUL or by
// a second copy of the header.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

namespace td::httpserve {

// Compares in time that depends only on the lengths, not on where the first
// differing byte is, so a caller cannot find the token byte by byte by timing.
// (The length of the expected token is not treated as a secret.)
bool constant_time_equal(std::string_view a, std::string_view b);

// The single, clean value of header `name` (matched case-insensitively), whole:
// httplib keeps headers in a multimap and its get_header_value returns the
// first copy as a C string, which ends at an embedded NUL. nullopt when the
// request does not carry the header. Throws HttpError 400 when it carries it
// more than once, or when the value holds a NUL, CR, LF, DEL or another
// control byte (tab excepted), so "<token>\0garbage" is refused, never cut.
std::optional<std::string> single_header(const httplib::Request& req, const std::string& name);

// True when `token` is non-empty and has no spaces or control bytes: the
// form every token takes (a Bearer token, an access_token parameter).
bool is_token_shaped(std::string_view token);

// The token of an `Authorization: Bearer <token>` header value; the scheme is
// case-insensitive. nullopt for another scheme, an empty token, or a token with
// spaces or control characters.
std::optional<std::string> bearer_token(std::string_view authorization);

}  // namespace td::httpserve
