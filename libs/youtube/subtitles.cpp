#include "youtube/subtitles.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "common/errors.h"
#include "youtube/utf8.h"

namespace td::youtube {

namespace {

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  while (true) {
    auto nl = s.find('\n');
    auto line = s.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string_view strip_bom(std::string_view s) {
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  return s;
}

// "01:02:03.456", "02:03.456", "00:00:01,000" (SRT) -> milliseconds.
std::optional<int64_t> parse_timestamp(std::string_view s) {
  s = trim(s);
  int64_t fields[3] = {0, 0, 0};
  int count = 0;
  size_t i = 0;
  while (true) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    int64_t v = 0;
    size_t digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (++digits > 9) return std::nullopt;
      v = v * 10 + (s[i++] - '0');
    }
    if (count == 3) return std::nullopt;
    fields[count++] = v;
    if (i < s.size() && s[i] == ':') {
      ++i;
      continue;
    }
    break;
  }
  if (count < 2 || i >= s.size() || (s[i] != '.' && s[i] != ',')) return std::nullopt;
  ++i;
  size_t frac_start = i;
  int64_t ms = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - frac_start < 3)
    ms = ms * 10 + (s[i++] - '0');
  if (i - frac_start != 3) return std::nullopt;  // a cut-off "00:00:01.2" is not a time
  int64_t h = count == 3 ? fields[0] : 0, m = fields[count - 2], sec = fields[count - 1];
  if (m > 59 || sec > 59) return std::nullopt;
  return ((h * 60 + m) * 60 + sec) * 1000 + ms;
}

void append_entity(std::string_view name, std::string& out) {
  if (name == "amp") out += '&';
  else if (name == "lt") out += '<';
  else if (name == "gt") out += '>';
  else if (name == "quot") out += '"';
  else if (name == "apos") out += '\'';
  else if (name == "nbsp") out += ' ';
  else if (name == "lrm" || name == "rlm") return;
  else if (name.size() > 1 && name[0] == '#') {
    long cp = 0;
    try {
      cp = name[1] == 'x' || name[1] == 'X' ? std::stol(std::string(name.substr(2)), nullptr, 16)
                                            : std::stol(std::string(name.substr(1)));
    } catch (const std::exception&) {
      cp = 0xFFFD;
    }
    if (cp <= 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    utf8::append(static_cast<char32_t>(cp), out);
  } else {
    out += '&';
    out += name;
    out += ';';
  }
}

std::string collapse_whitespace(std::string_view raw);

// A cue text line as plain text, and when each of its words was spoken.
struct CueLine {
  std::string text;
  // One start per whitespace-separated word of text when the line carries
  // inline timestamps (auto captions: "so<00:00:00.320><c> today</c>": the
  // first word starts with the cue, each later one at the stamp before it),
  // or is a single word (it starts with the cue); empty otherwise.
  std::vector<int64_t> word_ms;
};

// Cue text line -> plain text: tags and inline timestamps removed, entities
// decoded, whitespace collapsed. An unclosed '<' (file cut mid-tag) drops the rest.
CueLine clean_cue_line(std::string_view line, int64_t cue_start_ms) {
  std::string raw;
  std::vector<int64_t> starts;
  int64_t now = cue_start_ms;
  bool stamped = false;
  auto append = [&](std::string_view piece) {
    for (char c : piece) {
      bool space = std::isspace(static_cast<unsigned char>(c));
      if (!space && (raw.empty() || std::isspace(static_cast<unsigned char>(raw.back())))) starts.push_back(now);
      raw += c;
    }
  };
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '<') {
      auto close = line.find('>', i);
      if (close == std::string_view::npos) break;
      if (auto t = parse_timestamp(line.substr(i + 1, close - i - 1))) {
        now = *t;
        stamped = true;
      }
      i = close;
      continue;
    }
    if (c == '&') {
      auto semi = line.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        std::string decoded;
        append_entity(line.substr(i + 1, semi - i - 1), decoded);
        append(decoded);
        i = semi;
        continue;
      }
    }
    append(std::string_view(&c, 1));
  }
  CueLine out{collapse_whitespace(raw), {}};
  // collapse_whitespace keeps the words, so starts has one entry per word.
  if (stamped || starts.size() == 1) out.word_ms = std::move(starts);
  return out;
}

std::string collapse_whitespace(std::string_view raw) {
  std::string out;
  bool space = false;
  for (char c : raw) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

struct Cue {
  int64_t start_ms;
  std::vector<CueLine> lines;
};

// Line-by-line, because YouTube's cues contain whitespace-only lines (" "
// right after the timing line) that a split on blank lines would cut apart.
// A cue ends at an empty line, at a whitespace-only line after its text, or
// at the next timing line; NOTE/STYLE/REGION blocks run to the next empty line.
std::vector<Cue> read_cues(std::string_view text) {
  std::vector<Cue> cues;
  bool in_cue = false, just_timed = false, skipping = false, block_start = true;
  for (auto line : split_lines(text)) {
    bool blank = trim(line).empty();
    if (line.empty()) {
      in_cue = skipping = false;
      block_start = true;
      continue;
    }
    if (skipping) continue;
    if (block_start && !in_cue &&
        (line.starts_with("NOTE") || line.starts_with("STYLE") || line.starts_with("REGION"))) {
      skipping = true;
      continue;
    }
    block_start = false;
    if (auto arrow = line.find("-->"); arrow != std::string_view::npos) {
      auto when = parse_timestamp(line.substr(0, arrow));
      in_cue = when.has_value();  // a cut or garbled timing line drops its cue
      just_timed = in_cue;
      if (in_cue) cues.push_back({*when, {}});
      continue;
    }
    if (!in_cue) continue;  // header lines, cue identifiers, SRT counters
    if (blank) {
      if (!just_timed) in_cue = false;
      just_timed = false;
      continue;
    }
    just_timed = false;
    auto cleaned = clean_cue_line(line, cues.back().start_ms);
    if (!cleaned.text.empty()) cues.back().lines.push_back(std::move(cleaned));
  }
  return cues;
}

// A segment's word_ms stay only when every word of its text has a time.
void append_words(Segment& seg, const CueLine& line, bool& timed) {
  if (!seg.text.empty()) seg.text += ' ';
  seg.text += line.text;
  timed = timed && !line.word_ms.empty();
  if (timed) seg.word_ms.insert(seg.word_ms.end(), line.word_ms.begin(), line.word_ms.end());
  else seg.word_ms.clear();
}

std::vector<Segment> merge_rolling(const std::vector<Cue>& cues) {
  std::vector<Segment> out;
  bool last_timed = true;     // whether out.back() has word times for all its words
  std::string previous_last;  // the last line of the previous cue, repeated or not
  for (auto& cue : cues) {
    Segment fresh{cue.start_ms, "", {}};
    bool timed = true;
    for (auto& line : cue.lines) {
      if (line.text == previous_last) continue;
      // A line that grows the previous one ("so the" -> "so the idea") replaces it.
      if (!previous_last.empty() && !out.empty() && line.text.starts_with(previous_last + " ") && fresh.text.empty() &&
          out.back().text.ends_with(previous_last)) {
        auto& back = out.back();
        size_t old_words = 1 + static_cast<size_t>(std::count(previous_last.begin(), previous_last.end(), ' '));
        back.text.replace(back.text.size() - previous_last.size(), previous_last.size(), line.text);
        // The words already there keep their times; the new ones take the line's.
        if (last_timed && line.word_ms.size() > old_words && back.word_ms.size() >= old_words) {
          back.word_ms.insert(back.word_ms.end(), line.word_ms.begin() + static_cast<long>(old_words),
                              line.word_ms.end());
        } else {
          back.word_ms.clear();
          last_timed = false;
        }
        previous_last = line.text;
        continue;
      }
      append_words(fresh, line, timed);
      previous_last = line.text;
    }
    if (!cue.lines.empty()) previous_last = cue.lines.back().text;
    if (!fresh.text.empty()) {
      out.push_back(std::move(fresh));
      last_timed = timed;
    }
  }
  return out;
}

}  // namespace

std::vector<Segment> parse_webvtt(std::string_view raw) {
  std::string text = utf8::sanitize(raw);
  return merge_rolling(read_cues(strip_bom(text)));
}

std::string webvtt_language(std::string_view raw) {
  std::string text = utf8::sanitize(raw.substr(0, 4096));
  for (auto line : split_lines(strip_bom(text))) {
    if (line.find("-->") != std::string_view::npos) break;
    if (line.starts_with("Language:")) return std::string(trim(line.substr(9)));
  }
  return "";
}

bool looks_like_subtitles(std::string_view raw) {
  std::string text = utf8::sanitize(raw.substr(0, 4096));
  std::string_view head = trim(strip_bom(text));
  if (head.starts_with("WEBVTT")) return true;
  int seen = 0;
  for (auto line : split_lines(head)) {
    if (++seen > 12) break;
    auto arrow = line.find("-->");
    if (arrow != std::string_view::npos && parse_timestamp(line.substr(0, arrow))) return true;
  }
  return false;
}

std::vector<Segment> parse_json3(std::string_view raw) {
  nlohmann::json doc = nlohmann::json::parse(utf8::sanitize_json_text(raw), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("events") || !doc["events"].is_array()) {
    throw td::TransientError("bad_caption_file", "json3 captions are not JSON with an events array");
  }
  std::vector<Segment> out;
  for (auto& event : doc["events"]) {
    if (!event.is_object()) continue;
    auto segs = event.find("segs");
    if (segs == event.end() || !segs->is_array()) continue;
    int64_t start = 0;
    if (auto t = event.find("tStartMs"); t != event.end() && t->is_number()) start = t->get<int64_t>();
    // Auto captions give each word its own seg with tOffsetMs from the
    // event's start; a seg holding several words times only its first,
    // and then the segment keeps no word times at all.
    std::string joined;
    std::vector<int64_t> word_ms;
    bool timed = true;
    for (auto& seg : *segs) {
      if (!seg.is_object() || !seg.contains("utf8") || !seg["utf8"].is_string()) continue;
      auto piece = seg["utf8"].get<std::string>();
      int64_t offset = 0;
      if (auto o = seg.find("tOffsetMs"); o != seg.end() && o->is_number()) offset = o->get<int64_t>();
      // Words this seg starts; 0 when it only continues the previous one ("n't").
      size_t words = 0;
      bool after_space = joined.empty() || std::isspace(static_cast<unsigned char>(joined.back()));
      for (char c : piece) {
        bool space = std::isspace(static_cast<unsigned char>(c));
        if (!space && after_space) ++words;
        after_space = space;
      }
      if (words > 1) timed = false;
      if (words == 1) word_ms.push_back(start + offset);
      joined += piece;
    }
    std::string text = collapse_whitespace(joined);  // json3 text is plain: no tags to strip
    if (text.empty()) continue;
    if (!out.empty() && out.back().text == text) continue;
    size_t text_words = 1 + static_cast<size_t>(std::count(text.begin(), text.end(), ' '));
    if (!timed || word_ms.size() != text_words) word_ms.clear();
    out.push_back({start, std::move(text), std::move(word_ms)});
  }
  return out;
}

}  // namespace td::youtube
