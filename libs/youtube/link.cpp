#include "youtube/link.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "common/errors.h"
#include "common/quote.h"

namespace td::youtube {

namespace {

constexpr size_t kIdLength = 11;

[[noreturn]] void reject(std::string_view link, const std::string& why) {
  throw td::PermanentError("bad_link", "not a YouTube video link: " + quote_input(link, 200) + " (" + why + ")");
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  // Chat clients wrap pasted links in <...>.
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  return s;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

// The value of `name` in a query string "a=1&b=2" (no percent-decoding: ids never need it).
std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

std::string checked_id(std::string_view link, std::string_view id) {
  if (!is_valid_video_id(id)) {
    reject(link, "video id " + quote_input(id, 40) + " is not 11 characters of A-Z a-z 0-9 _ -");
  }
  return std::string(id);
}

}  // namespace

bool is_valid_video_id(std::string_view id) {
  return id.size() == kIdLength &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
}

std::string parse_video_id(std::string_view raw) {
  std::string_view link = trim(raw);
  if (link.empty()) reject(raw, "empty");
  if (starts_with_ci(link, kKeyPrefix)) return checked_id(raw, link.substr(kKeyPrefix.size()));
  if (is_valid_video_id(link)) return std::string(link);

  std::string_view rest = link;
  if (starts_with_ci(rest, "https://")) rest.remove_prefix(8);
  else if (starts_with_ci(rest, "http://")) rest.remove_prefix(7);
  else if (rest.find("://") != std::string_view::npos) reject(raw, "only http(s) links are accepted");
  else if (rest.starts_with("//")) rest.remove_prefix(2);

  auto host_end = rest.find_first_of("/?#");
  std::string host = lower(rest.substr(0, host_end));
  std::string_view after = host_end == std::string_view::npos ? std::string_view{} : rest.substr(host_end);
  if (auto at = host.rfind('@'); at != std::string::npos) reject(raw, "user info in a link is not accepted");
  if (auto colon = host.find(':'); colon != std::string::npos) host.resize(colon);
  if (!host.empty() && host.back() == '.') host.pop_back();

  auto hash = after.find('#');
  std::string_view fragment = hash == std::string_view::npos ? std::string_view{} : after.substr(hash + 1);
  if (hash != std::string_view::npos) after = after.substr(0, hash);
  auto qmark = after.find('?');
  std::string_view path = after.substr(0, qmark);
  std::string_view query = qmark == std::string_view::npos ? std::string_view{} : after.substr(qmark + 1);
  (void)fragment;  // #t=30 carries no id
  auto parts = split_path(path);

  if (host == "youtu.be" || host == "www.youtu.be") {
    if (parts.empty()) reject(raw, "youtu.be link without a video id");
    return checked_id(raw, parts[0]);
  }

  static const char* const kHosts[] = {"youtube.com",       "www.youtube.com",      "m.youtube.com",
                                       "music.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"};
  if (std::find(std::begin(kHosts), std::end(kHosts), host) == std::end(kHosts)) {
    reject(raw, host.empty() ? "no host" : quote_input(host) + " is not a YouTube host");
  }

  if (parts.empty() || parts[0] == "watch") {
    if (auto v = query_param(query, "v")) return checked_id(raw, *v);
    if (parts.size() == 2 && parts[0] == "watch") return checked_id(raw, parts[1]);
    if (query_param(query, "list")) reject(raw, "a playlist link without a video: paste a single video's link");
    reject(raw, "no video id in the link");
  }
  std::string_view first = parts[0];
  if (first == "shorts" || first == "live" || first == "embed" || first == "v" || first == "e") {
    if (parts.size() < 2) reject(raw, "no video id after /" + std::string(first) + "/");
    if (parts[1] == "videoseries") reject(raw, "an embedded playlist, not a video");
    return checked_id(raw, parts[1]);
  }
  if (first == "playlist") reject(raw, "a playlist link: paste a single video's link");
  if (first.starts_with("@") || first == "channel" || first == "c" || first == "user") {
    reject(raw, "a channel link: paste a single video's link");
  }
  reject(raw, "unrecognised YouTube page '/" + std::string(first.substr(0, 40)) + "'");
}

std::string video_key(std::string_view id) { return std::string(kKeyPrefix) + std::string(id); }

bool is_video_key(std::string_view key) {
  return key.size() == kKeyPrefix.size() + 11 && key.substr(0, kKeyPrefix.size()) == kKeyPrefix &&
         is_valid_video_id(key.substr(kKeyPrefix.size()));
}

std::string id_of_key(std::string_view key) {
  if (!is_video_key(key))
    throw td::PermanentError("bad_link",
                             "not a video key: '" + std::string(key.substr(0, 40)) + "' (expected yt:<id>)");
  return std::string(key.substr(kKeyPrefix.size()));
}

std::string canonical_key(std::string_view link) { return video_key(parse_video_id(link)); }

std::string watch_url(std::string_view id) { return "https://www.youtube.com/watch?v=" + std::string(id); }

}  // namespace td::youtube
