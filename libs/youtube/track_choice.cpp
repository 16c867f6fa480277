#include "youtube/track_choice.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace td::youtube {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool is_orig(const CaptionTrack& t) { return t.language.ends_with("-orig"); }

std::string primary(const std::string& lang) {
  auto cut = lang.find_first_of("-_");
  return lower(lang.substr(0, cut));
}

bool usable(const CaptionTrack& t) {
  if (t.language == "live_chat" || t.language.empty()) return false;
  if (t.formats.empty()) return true;  // unknown formats: let yt-dlp try
  return std::any_of(t.formats.begin(), t.formats.end(), [](auto& f) { return f == "json3" || f == "vtt"; });
}

}  // namespace

std::string track_language(const CaptionTrack& t) {
  return is_orig(t) ? t.language.substr(0, t.language.size() - 5) : t.language;
}

std::string video_language(const VideoMetadata& m) {
  if (!m.language.empty()) return m.language;
  if (m.captions) {
    for (auto& t : *m.captions) {
      if (t.automatic && is_orig(t)) return track_language(t);
    }
  }
  return "";
}

std::vector<CaptionTrack> rank_tracks(const std::vector<CaptionTrack>& tracks, const std::string& video_lang) {
  std::string want = primary(video_lang);
  struct Ranked {
    int tier;
    int within;
    size_t order;
    const CaptionTrack* track;
  };
  std::vector<Ranked> ranked;
  for (size_t i = 0; i < tracks.size(); ++i) {
    const auto& t = tracks[i];
    if (!usable(t)) continue;
    bool same = !want.empty() && primary(t.language) == want;
    bool exact = same && lower(track_language(t)) == lower(video_lang);
    bool english = primary(t.language) == "en";
    int tier, within;
    if (!t.automatic) {
      tier = same ? 1 : 3;
      within = same ? (exact ? 0 : 1) : (english ? 0 : 1);
    } else if (!t.translated) {
      tier = same ? 2 : 4;
      within = is_orig(t) ? 0 : (exact || (!same && english) ? 1 : 2);
    } else {
      tier = 5;
      within = english ? 0 : 1;
    }
    ranked.push_back({tier, within, i, &t});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return std::tie(a.tier, a.within, a.order) < std::tie(b.tier, b.within, b.order);
  });
  std::vector<CaptionTrack> out;
  for (auto& r : ranked) out.push_back(*r.track);
  return out;
}

}  // namespace td::youtube
