#include "httpserve/auth.h"

#include <cctype>
#include <iterator>

#include "httpserve/errors.h"

namespace td::httpserve {

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Walk the longer input fully so the time does not reveal a prefix match.
  const size_t n = a.size() > b.size() ? a.size() : b.size();
  volatile unsigned char diff = static_cast<unsigned char>(a.size() != b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = diff | static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

std::optional<std::string> single_header(const httplib::Request& req, const std::string& name) {
  auto [first, last] = req.headers.equal_range(name);
  if (first == last) return std::nullopt;
  if (std::next(first) != last) throw HttpError(400, "header " + name + " given more than once");
  for (char c : first->second) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) throw HttpError(400, "header " + name + " contains a control character");
  }
  return first->second;
}

std::optional<std::string> bearer_token(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  constexpr std::string_view scheme = "bearer";
  if (v.size() <= scheme.size() + 1) return std::nullopt;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(v[i])) != scheme[i]) return std::nullopt;
  }
  if (v[scheme.size()] != ' ') return std::nullopt;
  v.remove_prefix(scheme.size() + 1);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (!is_token_shaped(v)) return std::nullopt;
  return std::string(v);
}

bool is_token_shaped(std::string_view token) {
  if (token.empty()) return false;
  for (char c : token) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace td::httpserve
