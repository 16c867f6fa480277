// Small helpers for passing values to libpqxx 6.4 prepared statements, which
// has no conversion for arrays or std::optional parameters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace td::db {

// Postgres array literals, to bind as text and cast in SQL ($1::bigint[]).
std::string array_literal(const std::vector<int64_t>& values);
std::string array_literal(const std::vector<int>& values);
// Strings are quoted and escaped; nullopt elements become NULL.
std::string array_literal(const std::vector<std::optional<std::string>>& values);
std::string array_literal(const std::vector<std::string>& values);

// A nullable text parameter: libpqxx sends a null char pointer as SQL NULL.
inline const char* nullable(const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; }

}  // namespace td::db
