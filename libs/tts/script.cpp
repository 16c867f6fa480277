#include "tts/script.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>

#include "common/errors.h"

namespace td::tts {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

// Decodes one UTF-8 sequence at s[i]; returns -1 (and length 1) for an
// invalid or overlong one.
long decode_utf8(std::string_view s, size_t i, size_t& len) {
  unsigned char c = s[i];
  len = 1;
  if (c < 0x80) return c;
  int n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (c >= 0xF5) n = 0;
  if (n == 0 || i + n > s.size()) return -1;
  uint32_t cp = c & (0x7F >> n);
  for (int k = 1; k < n; ++k) {
    unsigned char d = s[i + k];
    if ((d & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return -1;
  len = n;
  return long(cp);
}

bool is_letter_cp(long cp) {
  if (cp < 0x80) return std::isalnum(int(cp));
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0xC0 && cp <= 0x24F) return true;
  if (cp >= 0x370 && cp <= 0x4FF) return true;
  return cp >= 0x1E00 && cp <= 0x1EFF;
}

// What a code point becomes in the spoken text ("" = dropped as a space).
void map_char(long cp, std::string& out) {
  if (cp < 0) {
    out += ' ';
    return;
  }
  if (cp < 0x80) {
    char c = char(cp);
    if (std::isalnum(static_cast<unsigned char>(c)) || std::strchr(".,;:!?'\"()-/&%$+=@", c)) out += c;
    else out += ' ';  // controls, markdown leftovers (* _ # ~ ^ | ` \ < > [ ] { })
    return;
  }
  switch (cp) {
    case 0xA1:
    case 0xBF:
    case 0xB0:
    case 0xA3:
    case 0x20AC: append_utf8(out, uint32_t(cp)); return;
    case 0xAB:
    case 0xBB:
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F: out += '"'; return;
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032: out += '\''; return;
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2212: out += '-'; return;
    case 0x2014:
    case 0x2015: out += ", "; return;
    case 0x2026: out += "..."; return;
    default: break;
  }
  bool keep = is_letter_cp(cp) || (cp >= 0x300 && cp <= 0x36F);
  if (keep) append_utf8(out, uint32_t(cp));
  else out += ' ';  // emoji, pictographs, CJK, symbols, joiners, selectors
}

bool is_terminal(char c) { return c == '.' || c == '!' || c == '?' || c == ':' || c == ';'; }

// HTML tag names after which the text continues on a new line.
bool is_block_tag(std::string_view name) {
  static const char* blocks[] = {"br", "p",  "div", "li", "ul", "ol", "tr", "table",   "blockquote",
                                 "h1", "h2", "h3",  "h4", "h5", "h6", "hr", "section", "article"};
  std::string lower;
  for (char c : name) lower += char(std::tolower(static_cast<unsigned char>(c)));
  for (auto* b : blocks)
    if (lower == b) return true;
  return false;
}

// Named entities worth decoding in English, French and Spanish text.
const std::pair<std::string_view, long> kEntities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},    {"nbsp", ' '},
    {"eacute", 0xE9},  {"Eacute", 0xC9},  {"egrave", 0xE8},  {"ecirc", 0xEA},   {"euml", 0xEB},    {"agrave", 0xE0},
    {"acirc", 0xE2},   {"aacute", 0xE1},  {"ccedil", 0xE7},  {"icirc", 0xEE},   {"iuml", 0xEF},    {"iacute", 0xED},
    {"ocirc", 0xF4},   {"oacute", 0xF3},  {"ugrave", 0xF9},  {"ucirc", 0xFB},   {"uacute", 0xFA},  {"uuml", 0xFC},
    {"ntilde", 0xF1},  {"Ntilde", 0xD1},  {"oelig", 0x153},  {"iexcl", 0xA1},   {"iquest", 0xBF},  {"laquo", 0xAB},
    {"raquo", 0xBB},   {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"hellip", 0x2026},
    {"ndash", 0x2013}, {"mdash", 0x2014}, {"euro", 0x20AC},  {"pound", 0xA3},   {"deg", 0xB0}};

// Removes HTML comments and tags and decodes entities; a tag is '<' then a
// letter, '/' or '!' and a '>' within 1000 bytes, so "a < b" survives.
std::string strip_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '<' && starts_with(s.substr(i), "<!--")) {
      size_t e = s.find("-->", i + 4);
      i = e == std::string_view::npos ? s.size() : e + 3;
      out += ' ';
      continue;
    }
    if (c == '<' && i + 1 < s.size() &&
        (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '/' || s[i + 1] == '!')) {
      size_t e = s.find('>', i + 1);
      if (e != std::string_view::npos && e - i < 1000 &&
          s.substr(i + 1, e - i - 1).find('<') == std::string_view::npos) {
        size_t n = i + 1 + (s[i + 1] == '/' ? 1 : 0);
        size_t m = n;
        while (m < e && std::isalnum(static_cast<unsigned char>(s[m]))) ++m;
        out += is_block_tag(s.substr(n, m - n)) ? '\n' : ' ';
        i = e + 1;
        continue;
      }
    }
    if (c == '&') {
      size_t e = s.find(';', i + 1);
      if (e != std::string_view::npos && e - i <= 10) {
        std::string_view name = s.substr(i + 1, e - i - 1);
        long cp = -1;
        for (auto& [n, v] : kEntities)
          if (name == n) cp = v;
        if (name.size() > 1 && name[0] == '#') {
          try {
            bool hex = name[1] == 'x' || name[1] == 'X';
            std::string digits(name.substr(hex ? 2 : 1));
            size_t used = 0;
            long v = std::stol(digits, &used, hex ? 16 : 10);
            if (used == digits.size() && v > 0 && v <= 0x10FFFF) cp = v;
          } catch (const std::exception&) {
          }
        }
        bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
          return std::isalnum(static_cast<unsigned char>(ch)) || ch == '#';
        });
        if (cp >= 0 || word) {  // an unknown named entity is dropped, not spelled out
          if (cp >= 0) append_utf8(out, uint32_t(cp));
          else out += ' ';
          i = e + 1;
          continue;
        }
      }
    }
    out += c;
    ++i;
  }
  return out;
}

size_t url_length(std::string_view s, size_t i) {
  static const char* schemes[] = {"https://", "http://", "ftp://", "www."};
  for (auto* scheme : schemes) {
    size_t n = std::strlen(scheme);
    if (s.size() - i >= n) {
      bool match = true;
      for (size_t k = 0; k < n && match; ++k) match = std::tolower(static_cast<unsigned char>(s[i + k])) == scheme[k];
      if (match && (i == 0 || !std::isalnum(static_cast<unsigned char>(s[i - 1])))) {
        size_t e = i;
        while (e < s.size() && !is_space(s[e]) && s[e] != '<' && s[e] != '"') ++e;
        // Sentence punctuation right after a link belongs to the sentence.
        while (e > i + n && std::strchr(".,;:!?)]'", s[e - 1])) --e;
        return e - i;
      }
    }
  }
  return 0;
}

// Inline markdown: images and links keep their text, URLs go, markup
// characters go (map_char turns what is left into spaces).
std::string strip_inline(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    bool image = c == '!' && i + 1 < s.size() && s[i + 1] == '[';
    if (c == '[' || image) {
      size_t open = image ? i + 1 : i;
      size_t close = s.find(']', open + 1);
      if (close != std::string_view::npos && close - open < 2000) {
        std::string_view text = s.substr(open + 1, close - open - 1);
        size_t after = close + 1;
        if (after < s.size() && (s[after] == '(' || s[after] == '[')) {
          char end = s[after] == '(' ? ')' : ']';
          size_t e = s.find(end, after + 1);
          if (e != std::string_view::npos && e - after < 2000) {
            out += strip_inline(text);
            i = e + 1;
            continue;
          }
        }
      }
    }
    if (size_t n = url_length(s, i)) {
      out += ' ';
      i += n;
      continue;
    }
    if (c == '_') {
      out += ' ';
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < s.size() && std::ispunct(static_cast<unsigned char>(s[i + 1]))) {  // markdown escape
      out += s[i + 1];
      i += 2;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

std::string filter_chars(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    long cp = decode_utf8(s, i, len);
    map_char(cp, out);
    i += len;
  }
  return out;
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Between paragraphs in clean_text's result. Nothing else there is a newline
// (collapse_spaces turns each into a space), so clean_script can turn these
// into spaces and prepare_paragraphs can cut at them.
constexpr char kParagraphBreak = '\n';

bool is_gap(char c) { return c == ' ' || c == kParagraphBreak; }

// ", ." -> ".", " ," -> ",", leading punctuation dropped: the leftovers of
// removed links, emoji and table pipes. A paragraph break counts as a space,
// so the result with breaks made spaces is the same as without them.
std::string tidy_punctuation(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    bool punct = c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?';
    if (punct) {
      while (!out.empty() && is_gap(out.back())) out.pop_back();
      if (out.empty()) continue;
      char prev = out.back();
      if (c == ',' && (prev == ',' || prev == '.' || prev == ';' || prev == ':' || prev == '!' || prev == '?'))
        continue;
      if (prev == ',' || prev == ';' || prev == ':') out.pop_back();
      if (c != '.' && !out.empty() && (out.back() == '!' || out.back() == '?') && c == out.back()) continue;
      out += c;
      continue;
    }
    if (is_gap(c) && (out.empty() || is_gap(out.back()))) continue;
    out += c;
  }
  while (!out.empty() && (is_gap(out.back()) || out.back() == ',')) out.pop_back();
  return out;
}

bool only_chars(std::string_view s, const char* set) {
  for (char c : s)
    if (!std::strchr(set, c)) return false;
  return true;
}

// clean_script with kParagraphBreak between paragraphs (and between headings,
// list items and table rows, which end one).
std::string clean_text(std::string_view text) {
  std::string html_free = strip_html(text);
  std::string out;
  std::string paragraph;
  bool in_fence = false;
  std::string fence;
  auto end_block = [](std::string& s) {
    if (!s.empty() && !is_terminal(s.back()) && s.back() != '"' && s.back() != ')') s += '.';
  };
  auto flush_paragraph = [&] {
    std::string p = collapse_spaces(paragraph);
    paragraph.clear();
    if (p.empty()) return;
    end_block(p);
    if (!out.empty()) out += kParagraphBreak;
    out += p;
  };
  size_t pos = 0;
  std::string_view all(html_free);
  while (pos <= all.size()) {
    size_t nl = all.find_first_of("\r\n", pos);
    if (nl == std::string_view::npos) nl = all.size();
    std::string_view raw = all.substr(pos, nl - pos);
    pos = nl + 1;
    if (nl < all.size() && all[nl] == '\r' && pos < all.size() && all[pos] == '\n') ++pos;
    std::string_view line = trim(raw);

    if (starts_with(line, "```") || starts_with(line, "~~~")) {
      if (!in_fence) {
        in_fence = true;
        fence = std::string(line.substr(0, 3));
      } else if (starts_with(line, fence)) in_fence = false;
      flush_paragraph();
      continue;
    }
    if (in_fence) continue;  // code is not for reading aloud
    if (line.empty()) {
      flush_paragraph();
      continue;
    }
    if (line.size() >= 3 && only_chars(line, "-*_= ")) {
      flush_paragraph();
      continue;
    }                                                                                    // rules, setext underlines
    if (line.find('|') != std::string_view::npos && only_chars(line, "|-: ")) continue;  // table separators
    if (line.front() == '[' && line.find("]:") != std::string_view::npos) continue;      // link definitions

    bool block = false;
    while (!line.empty() && line.front() == '>') line = trim(line.substr(1));  // quotes
    if (!line.empty() && line.front() == '#') {
      size_t n = line.find_first_not_of('#');
      if (n != std::string_view::npos && n <= 6 && line[n] == ' ') {
        line = trim(line.substr(n));
        block = true;
      }
    }
    if (line.size() >= 2 && std::strchr("-*+", line[0]) && line[1] == ' ') {
      line = trim(line.substr(2));
      block = true;
    } else if (starts_with(line, "\xE2\x80\xA2")) {
      line = trim(line.substr(3));
      block = true;
    }  // "•"
    else {
      size_t d = 0;
      while (d < line.size() && d < 4 && std::isdigit(static_cast<unsigned char>(line[d]))) ++d;
      if (d > 0 && d + 1 < line.size() && (line[d] == '.' || line[d] == ')') && line[d + 1] == ' ') {
        line = trim(line.substr(d + 2));
        block = true;
      }
    }
    std::string text;
    if (line.size() > 1 && line.front() == '|') {  // table row: cells become a list
      size_t start = 1;
      while (start < line.size()) {
        size_t bar = line.find('|', start);
        if (bar == std::string_view::npos) bar = line.size();
        std::string_view cell = trim(line.substr(start, bar - start));
        if (!cell.empty()) {
          if (!text.empty()) text += ", ";
          text += cell;
        }
        start = bar + 1;
      }
      block = true;
    } else {
      text = std::string(line);
    }
    std::string spoken = collapse_spaces(filter_chars(strip_inline(text)));
    if (spoken.empty()) continue;
    if (block) {
      flush_paragraph();
      end_block(spoken);
      paragraph = spoken;
      flush_paragraph();
    } else {
      if (!paragraph.empty()) paragraph += ' ';
      paragraph += spoken;
    }
    if (nl >= all.size()) break;
  }
  flush_paragraph();
  return tidy_punctuation(out);
}

// The cleaned text of a script that passes prepare_script's checks.
std::string checked_clean_text(std::string_view script, size_t max_script_bytes) {
  if (script.size() > max_script_bytes) {
    throw td::PermanentError("script_too_long", "script is " + std::to_string(script.size()) +
                                                    " bytes, more than the " + std::to_string(max_script_bytes) +
                                                    "-byte limit (TTS_MAX_SCRIPT_BYTES)");
  }
  if (trim(script).empty()) throw td::PermanentError("empty_script", "the audio script is empty");
  std::string cleaned = clean_text(script);
  if (!has_speakable_text(cleaned)) {
    throw td::PermanentError("empty_script",
                             "the audio script has nothing to say once markup, links, emoji and symbols are removed");
  }
  return cleaned;
}

}  // namespace

std::string clean_script(std::string_view text) {
  std::string out = clean_text(text);
  std::replace(out.begin(), out.end(), kParagraphBreak, ' ');
  return out;
}

size_t count_spoken_words(std::string_view text) {
  size_t words = 0;
  bool counted = false;  // the current run of non-space characters is already a word
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    long cp = decode_utf8(text, i, len);
    if (is_space(text[i])) {
      counted = false;
    } else if (!counted && cp >= 0 && is_letter_cp(cp)) {
      ++words;
      counted = true;
    }
    i += len;
  }
  return words;
}

bool has_speakable_text(std::string_view cleaned) {
  for (size_t i = 0; i < cleaned.size();) {
    size_t len = 1;
    long cp = decode_utf8(cleaned, i, len);
    if (cp >= 0 && is_letter_cp(cp)) return true;
    i += len;
  }
  return false;
}

namespace {

// Positions just after each boundary of the given kind (0 sentence, 1 clause, 2 word).
std::vector<std::string_view> split_at(std::string_view s, int level) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != ' ') continue;
    char p = i > 0 ? s[i - 1] : ' ';
    size_t k = i;
    while (k > 0 && (s[k - 1] == '"' || s[k - 1] == ')' || s[k - 1] == '\'')) --k;  // closing quotes
    char q = k > 0 ? s[k - 1] : ' ';
    bool cut = level == 2 || (level == 0 && (q == '.' || q == '!' || q == '?')) ||
               (level == 1 && (p == ',' || p == ';' || p == ':' || q == '.' || q == '!' || q == '?'));
    if (cut && i > start) {
      pieces.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (start < s.size()) pieces.push_back(s.substr(start));
  return pieces;
}

void units_of(std::string_view s, size_t max, int level, std::vector<std::string_view>& out) {
  s = trim(s);
  if (s.empty()) return;
  if (level > 0 && s.size() <= max) {
    out.push_back(s);
    return;
  }
  if (level == 3) {  // hard cut at a character boundary
    while (s.size() > max) {
      size_t cut = max;
      while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
      if (cut == 0) cut = max;
      out.push_back(s.substr(0, cut));
      s.remove_prefix(cut);
    }
    if (!s.empty()) out.push_back(s);
    return;
  }
  auto pieces = split_at(s, level);
  if (pieces.size() <= 1 && level > 0) {
    units_of(s, max, level + 1, out);
    return;
  }
  for (auto piece : pieces) units_of(piece, max, level + 1, out);
}

}  // namespace

std::vector<std::string> split_sentences(std::string_view cleaned, size_t max_bytes) {
  if (max_bytes < 8) max_bytes = 8;
  std::vector<std::string_view> units;
  units_of(cleaned, max_bytes, 0, units);
  std::vector<std::string> chunks;
  std::string current;
  for (auto unit : units) {
    if (!current.empty() && current.size() + 1 + unit.size() > max_bytes) {
      chunks.push_back(std::move(current));
      current.clear();
    }
    if (!current.empty()) current += ' ';
    current += unit;
  }
  if (!current.empty()) chunks.push_back(std::move(current));
  return chunks;
}

std::vector<std::string> prepare_script(std::string_view script, size_t max_chunk_bytes, size_t max_script_bytes) {
  std::string cleaned = checked_clean_text(script, max_script_bytes);
  std::replace(cleaned.begin(), cleaned.end(), kParagraphBreak, ' ');
  return split_sentences(cleaned, max_chunk_bytes);
}

std::vector<std::vector<std::string>> prepare_paragraphs(std::string_view script, size_t max_chunk_bytes,
                                                         size_t max_script_bytes) {
  std::string cleaned = checked_clean_text(script, max_script_bytes);
  std::vector<std::vector<std::string>> paragraphs;
  std::string_view rest(cleaned);
  while (!rest.empty()) {
    size_t cut = std::min(rest.find(kParagraphBreak), rest.size());
    std::string_view paragraph = rest.substr(0, cut);
    rest.remove_prefix(std::min(cut + 1, rest.size()));
    // A paragraph of only quotes or brackets would be a pause with nothing said.
    if (has_speakable_text(paragraph)) paragraphs.push_back(split_sentences(paragraph, max_chunk_bytes));
  }
  return paragraphs;
}

}  // namespace td::tts
