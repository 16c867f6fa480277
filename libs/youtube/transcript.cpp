#include "youtube/transcript.h"

#include <cctype>

#include "common/errors.h"
#include "youtube/subtitles.h"
#include "youtube/utf8.h"

namespace td::youtube {

nlohmann::json segments_to_json(const Transcript& t) {
  nlohmann::json segs = nlohmann::json::array();
  for (auto& s : t.segments) {
    nlohmann::json seg = {{"start_ms", s.start_ms}, {"text", s.text}};
    if (!s.word_ms.empty()) seg["word_ms"] = s.word_ms;
    segs.push_back(std::move(seg));
  }
  return segs;
}

nlohmann::json to_json(const Transcript& t) {
  return {{"segments", segments_to_json(t)},
          {"text", t.text},
          {"language", t.language},
          {"source", t.source},
          {"timed", t.timed}};
}

Transcript transcript_from_json(const nlohmann::json& j) {
  Transcript t;
  for (auto& s : j.at("segments")) {
    Segment seg{s.at("start_ms").get<int64_t>(), s.at("text").get<std::string>(), {}};
    if (auto w = s.find("word_ms"); w != s.end() && w->is_array()) seg.word_ms = w->get<std::vector<int64_t>>();
    t.segments.push_back(std::move(seg));
  }
  t.text = j.at("text").get<std::string>();
  t.language = j.value("language", "");
  t.source = j.value("source", "");
  t.timed = j.value("timed", true);
  return t;
}

Transcript make_transcript(std::vector<Segment> segments, std::string language, std::string source) {
  Transcript t;
  for (auto& s : segments) {
    s.text = utf8::sanitize(s.text);
    if (s.text.empty()) continue;
    if (!t.text.empty()) t.text += ' ';
    t.text += s.text;
    t.segments.push_back(std::move(s));
  }
  if (t.segments.empty()) throw td::PermanentError("no_transcript", "the captions contain no text");
  t.language = utf8::sanitize(language);
  t.source = std::move(source);
  return t;
}

Transcript user_transcript(std::string_view raw, std::string language) {
  std::string text = utf8::sanitize(raw);
  if (looks_like_subtitles(text)) {
    auto segments = parse_webvtt(text);
    if (segments.empty()) throw td::PermanentError("no_transcript", "the supplied subtitles contain no text");
    if (language.empty()) language = webvtt_language(text);
    return make_transcript(std::move(segments), language, "user");
  }
  Transcript t;
  t.source = "user";
  t.timed = false;
  t.language = utf8::sanitize(language);
  std::string_view rest = text;
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
  // One segment per non-empty line; the text keeps the user's line breaks.
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    if (line.empty()) continue;
    if (!t.text.empty()) t.text += '\n';
    t.text += line;
    t.segments.push_back({0, std::string(line), {}});
  }
  if (t.segments.empty()) throw td::PermanentError("no_transcript", "the supplied transcript is empty");
  return t;
}

}  // namespace td::youtube
