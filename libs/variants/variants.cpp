#include "variants/variants.h"

#include <algorithm>
#include <array>

namespace td {

namespace {

constexpr std::array<const char*, 3> kText = {"comprehensive", "bullet-points", "key-insights"};
constexpr std::array<const char*, 3> kAudio = {"audio", "audio-fr", "audio-es"};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

bool Variant::is_audio() const { return base.rfind("audio", 0) == 0; }
bool Variant::is_multilingual() const { return base == "audio-fr" || base == "audio-es"; }

std::string Variant::target_language() const {
  if (base == "audio-fr") return "fr";
  if (base == "audio-es") return "es";
  return "";
}

Level Variant::effective_level() const {
  if (!is_multilingual()) return Level::none;
  return level == Level::none ? Level::intermediate : level;
}

std::string Variant::name() const {
  if (level == Level::none || level == Level::intermediate) return base;
  return base + ":" + level_name(level);
}

std::string level_name(Level level) {
  switch (level) {
    case Level::beginner: return "beginner";
    case Level::intermediate: return "intermediate";
    case Level::advanced: return "advanced";
    case Level::none: break;
  }
  return "";
}

std::string valid_variants_help() {
  return "valid variants: text comprehensive, bullet-points, key-insights; audio audio, audio-fr, audio-es "
         "(audio-fr and audio-es take an optional level :beginner, :intermediate or :advanced, e.g. "
         "audio-fr:beginner)";
}

namespace {

// The rules of find_variant and parse_variant: the variant, or (in why) what
// is wrong with the name.
std::optional<Variant> lookup(const std::string& raw, std::string* why) {
  auto refuse = [why](std::string reason) -> std::optional<Variant> {
    if (why) *why = std::move(reason) + "; " + valid_variants_help();
    return std::nullopt;
  };
  std::string name = trim(raw);
  auto colon = name.find(':');
  std::string base = name.substr(0, colon);
  Variant v{base, Level::none};
  bool known = std::find(kText.begin(), kText.end(), base) != kText.end() ||
               std::find(kAudio.begin(), kAudio.end(), base) != kAudio.end();
  if (!known) return refuse("unknown variant '" + name + "'");
  if (colon != std::string::npos) {
    std::string level = name.substr(colon + 1);
    if (!v.is_multilingual()) return refuse("variant '" + base + "' takes no level suffix ('" + name + "')");
    if (level == "beginner") v.level = Level::beginner;
    else if (level == "intermediate") v.level = Level::intermediate;
    else if (level == "advanced") v.level = Level::advanced;
    else return refuse("unknown level '" + level + "' in '" + name + "'");
  }
  return v;
}

}  // namespace

std::optional<Variant> find_variant(std::string_view name) { return lookup(std::string(name), nullptr); }

Variant parse_variant(const std::string& name) {
  std::string why;
  auto v = lookup(name, &why);
  if (!v) throw UnknownVariant(why);
  return *v;
}

std::vector<Variant> parse_variant_list(const std::vector<std::string>& names) {
  std::vector<Variant> out;
  for (auto& n : names) {
    if (trim(n).empty()) continue;
    auto v = parse_variant(n);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

std::vector<Variant> parse_variant_list(const std::string& csv) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= csv.size()) {
    auto comma = csv.find(',', start);
    if (comma == std::string::npos) comma = csv.size();
    names.push_back(csv.substr(start, comma - start));
    start = comma + 1;
  }
  return parse_variant_list(names);
}

std::string join_names(const std::vector<Variant>& variants, const std::string& sep) {
  std::string out;
  for (auto& v : variants) {
    if (!out.empty()) out += sep;
    out += v.name();
  }
  return out;
}

}  // namespace td
