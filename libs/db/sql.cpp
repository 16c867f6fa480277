#include "db/sql.h"

namespace td::db {

namespace {

template <typename Int>
std::string int_array(const std::vector<Int>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

void append_quoted(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string array_literal(const std::vector<int64_t>& values) { return int_array(values); }
std::string array_literal(const std::vector<int>& values) { return int_array(values); }

std::string array_literal(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    if (values[i]) append_quoted(out, *values[i]);
    else out += "NULL";
  }
  out += '}';
  return out;
}

std::string array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    append_quoted(out, values[i]);
  }
  out += '}';
  return out;
}

}  // namespace td::db
