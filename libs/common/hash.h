// Content hashes: what an MP3's ETag, the TTS reuse check and the LLM
// chunk-notes cache key are made of.
#pragma once

#include <string>
#include <string_view>

namespace td {

// Lower-case hex SHA-256 (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

}  // namespace td
