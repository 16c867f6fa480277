#include "youtube/subtitles.h"

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
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - frac_start < 3) ms = ms * 10 + (s[i++] - '0');
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
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  } else {
    out += '&';
    out += name;
    out += ';';
  }
}

std::string collapse_whitespace(std::string_view raw);

// Cue text line -> plain text: tags and inline timestamps removed, entities
// decoded, whitespace collapsed. An unclosed '<' (file cut mid-tag) drops the rest.
std::string clean_cue_line(std::string_view line) {
  std::string raw;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '<') {
      auto close = line.find('>', i);
      if (close == std::string_view::npos) break;
      i = close;
      continue;
    }
    if (c == '&') {
      auto semi = line.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        append_entity(line.substr(i + 1, semi - i - 1), raw);
        i = semi;
        continue;
      }
    }
    raw += c;
  }
  return collapse_whitespace(raw);
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
  std::vector<std::string> lines;
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
    if (block_start && !in_cue && (line.starts_with("NOTE") || line.starts_with("STYLE") || line.starts_with("REGION"))) {
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
    auto cleaned = clean_cue_line(line);
    if (!cleaned.empty()) cues.back().lines.push_back(std::move(cleaned));
  }
  return cues;
}

std::vector<Segment> merge_rolling(const std::vector<Cue>& cues) {
  std::vector<Segment> out;
  std::string previous_last;  // the last line of the previous cue, repeated or not
  for (auto& cue : cues) {
    std::string fresh;
    for (auto& line : cue.lines) {
      if (line == previous_last) continue;
      // A line that grows the previous one ("so the" -> "so the idea") replaces it.
      if (!previous_last.empty() && !out.empty() && line.starts_with(previous_last + " ") && fresh.empty() &&
          out.back().text.ends_with(previous_last)) {
        auto& t = out.back().text;
        t.replace(t.size() - previous_last.size(), previous_last.size(), line);
        previous_last = line;
        continue;
      }
      if (!fresh.empty()) fresh += ' ';
      fresh += line;
      previous_last = line;
    }
    if (!cue.lines.empty()) previous_last = cue.lines.back();
    if (!fresh.empty()) out.push_back({cue.start_ms, std::move(fresh)});
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
    std::string joined;
    for (auto& seg : *segs) {
      if (seg.is_object() && seg.contains("utf8") && seg["utf8"].is_string()) joined += seg["utf8"].get<std::string>();
    }
    std::string text = collapse_whitespace(joined);  // json3 text is plain: no tags to strip
    if (text.empty()) continue;
    int64_t start = 0;
    if (auto t = event.find("tStartMs"); t != event.end() && t->is_number()) start = t->get<int64_t>();
    if (!out.empty() && out.back().text == text) continue;
    out.push_back({start, std::move(text)});
  }
  return out;
}

}  // namespace td::youtube
