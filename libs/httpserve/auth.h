// Token checks for write endpoints (API_AUTH_TOKEN, REPROCESS_AUTH_TOKEN).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace td::httpserve {

// Compares in time that depends only on the lengths, not on where the first
// differing byte is, so a caller cannot find the token byte by byte by timing.
// (The length of the expected token is not treated as a secret.)
bool constant_time_equal(std::string_view a, std::string_view b);

// The token of an `Authorization: Bearer <token>` header value; the scheme is
// case-insensitive. nullopt for another scheme, an empty token, or a token with
// spaces or control characters.
std::optional<std::string> bearer_token(std::string_view authorization);

}  // namespace td::httpserve
