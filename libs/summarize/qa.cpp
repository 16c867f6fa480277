#include "summarize/qa.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "summarize/language.h"
#include "summarize/text.h"
#include "summarize/wrappers.h"

namespace td::summarize {

namespace {

const std::map<std::string, std::vector<std::string>>& bottom_labels() {
  static const std::map<std::string, std::vector<std::string>> labels = {
      {"en", {"bottom line", "in short", "tl;dr"}},
      {"fr", {"en résumé", "en bref", "conclusion", "l'essentiel", "bottom line"}},
      {"es", {"en resumen", "en conclusión", "conclusión", "lo esencial", "bottom line"}},
      {"de", {"fazit", "unterm strich", "bottom line"}},
  };
  return labels;
}

bool is_bullet_line(const std::string& line) {
  static const std::regex re(R"(^([-*+]|•|\d{1,2}[.)])\s+\S.*)");
  return std::regex_match(line, re);
}

std::string strip_bullet_marker(const std::string& line) {
  static const std::regex re(R"(^([-*+]|•|\d{1,2}[.)])\s+)");
  return std::regex_replace(line, re, "", std::regex_constants::format_first_only);
}

std::string unbold(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '*'), s.end());
  return trim(s);
}

// A bottom line: "Bottom line: ..." or "**Bottom line:** ..." in any known label.
std::optional<std::string> bottom_line_text(const std::string& line) {
  std::string plain = unbold(strip_bullet_marker(line));
  std::string l = lower(plain);
  for (auto& [lang, labels] : bottom_labels()) {
    for (auto& label : labels) {
      if (l.rfind(label, 0) != 0) continue;
      std::string rest = plain.substr(label.size());
      size_t p = rest.find_first_not_of(" ");
      if (p == std::string::npos || (rest[p] != ':' && rest.compare(p, 3, "\xE2\x80\x94") != 0)) continue;
      return trim(rest.substr(rest[p] == ':' ? p + 1 : p + 3));
    }
  }
  return std::nullopt;
}

// The start of a line for a reason, cut at a UTF-8 character boundary (the
// reason goes into JSON, which refuses a broken character).
std::string snippet(const std::string& line, size_t max = 40) {
  if (line.size() <= max) return line;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(line[n]) & 0xC0) == 0x80) --n;
  return line.substr(0, n) + "...";
}

std::string range_text(int min, int max) { return std::to_string(min) + "-" + std::to_string(max); }

std::optional<std::string> not_empty(const QaContext& c) {
  if (count_words(c.text) == 0) return "the output is empty";
  return std::nullopt;
}

std::optional<std::string> no_refusal(const QaContext& c) {
  if (looks_like_refusal(c.text)) return "the output reads like a refusal or an apology";
  return std::nullopt;
}

std::optional<std::string> word_range(const QaContext& c) {
  int n = count_words(c.text);
  if (n < c.target.words.min || n > c.target.words.max)
    return std::to_string(n) + " words, expected " + range_text(c.target.words.min, c.target.words.max);
  return std::nullopt;
}

std::optional<std::string> language(const QaContext& c) {
  if (c.expected_language.empty()) return std::nullopt;
  std::string plain = c.text;
  plain.erase(std::remove(plain.begin(), plain.end(), '*'), plain.end());
  auto d = detect_language(plain);
  // Short or mixed text can come back unknown: only a confident different
  // answer, or none at all on a text long enough to judge, fails.
  if (d.code == c.expected_language) return std::nullopt;
  if (d.code.empty()) {
    if (count_words(plain) < 40) return std::nullopt;
    return "language could not be detected, expected " + c.expected_language;
  }
  if (!d.reliable && count_words(plain) < 25) return std::nullopt;
  return "written in " + d.code + ", expected " + c.expected_language;
}

std::optional<std::string> bullet_count(const QaContext& c) {
  auto doc = parse_bullets(c.text);
  int n = static_cast<int>(doc.bullets.size());
  if (n < c.target.min_items || n > c.target.max_items)
    return std::to_string(n) + " bullets, expected " + range_text(c.target.min_items, c.target.max_items);
  return std::nullopt;
}

std::optional<std::string> bullet_length(const QaContext& c) {
  auto doc = parse_bullets(c.text);
  int limit = c.spec->max_item_words;
  int over = 0, longest = 0;
  for (auto& b : doc.bullets) {
    int n = count_words(b);
    longest = std::max(longest, n);
    if (limit > 0 && n > limit) ++over;
  }
  if (over > 0)
    return std::to_string(over) + " bullet(s) longer than " + std::to_string(limit) + " words (longest " +
           std::to_string(longest) + ")";
  return std::nullopt;
}

std::optional<std::string> bottom_line(const QaContext& c) {
  auto doc = parse_bullets(c.text);
  if (!doc.bottom_line) return "no closing \"Bottom line: ...\" sentence after the bullets";
  if (count_words(*doc.bottom_line) == 0) return "the bottom line is empty";
  if (split_sentences(*doc.bottom_line).size() > 1) return "the bottom line is more than one sentence";
  return std::nullopt;
}

std::optional<std::string> insight_count(const QaContext& c) {
  int n = static_cast<int>(parse_insights(c.text).size());
  if (n < c.target.min_items || n > c.target.max_items)
    return std::to_string(n) + " insights with a bold headline, expected " +
           range_text(c.target.min_items, c.target.max_items);
  return std::nullopt;
}

std::optional<std::string> insight_format(const QaContext& c) {
  for (auto& in : parse_insights(c.text)) {
    int hw = count_words(in.headline);
    if (hw == 0 || (c.spec->max_headline_words > 0 && hw > c.spec->max_headline_words))
      return "headline \"" + in.headline + "\" has " + std::to_string(hw) + " words, expected 1-" +
             std::to_string(c.spec->max_headline_words);
    auto sentences = split_sentences(in.body).size();
    if (sentences < 1 || sentences > 2)
      return "insight \"" + in.headline + "\" has " + std::to_string(sentences) + " sentences, expected 1-2";
  }
  return std::nullopt;
}

std::optional<std::string> plain_speech(const QaContext& c) {
  if (contains_url(c.text)) return "contains a URL, which cannot be spoken";
  for (auto& line : nonempty_lines(c.text)) {
    if (is_bullet_line(line)) return "contains a bullet line: \"" + snippet(line) + "\"";
    if (line[0] == '#') return "contains a markdown heading";
  }
  for (const char* mark : {"**", "__", "`", "](", "|"})
    if (c.text.find(mark) != std::string::npos) return std::string("contains markdown (\"") + mark + "\")";
  return std::nullopt;
}

bool is_heading(const std::string& line) { return !line.empty() && line[0] == '#'; }

// Emphasis inside running text: **bold**, __bold__, *italic*, _italic_, `code`.
// "[ __ ]" (how captions censor a word) is not emphasis.
std::optional<std::string> emphasis_in(const std::string& text) {
  static const std::regex italic(R"((^|[\s(])(\*[^*\s][^*]*\*|_[^_\s][^_]*_)([\s.,;:!?)]|$))");
  static const std::regex underline_bold(R"(__[^_\s][^_]*__)");
  if (text.find("**") != std::string::npos) return "bold (\"**\")";
  if (text.find('`') != std::string::npos) return "code (\"`\")";
  if (std::regex_search(text, underline_bold)) return "bold (\"__\")";
  if (std::regex_search(text, italic)) return "italics";
  return std::nullopt;
}

// bullet-points: what the prompt asks and nothing else: "- " lines, then the
// bottom line; no headings, no bold or italics.
std::optional<std::string> bullet_markup(const QaContext& c) {
  for (auto& line : nonempty_lines(c.text)) {
    if (is_heading(line)) return "contains a markdown heading: \"" + snippet(line) + "\"";
    if (bottom_line_text(line)) {
      if (auto e = emphasis_in(line)) return "the bottom line has " + *e;
      continue;
    }
    if (line.rfind("- ", 0) != 0) return "a line that is not a \"- \" bullet: \"" + snippet(line) + "\"";
    if (auto e = emphasis_in(line.substr(2))) return "a bullet has " + *e + ": \"" + snippet(line) + "\"";
  }
  return std::nullopt;
}

// key-insights: every line is "**Headline**: body" (the colon may sit inside
// the bold), nothing else: no headings, no bullets, no title line.
std::optional<std::string> insight_markup(const QaContext& c) {
  static const std::regex line_re(R"(^\*\*[^*]+\*\*\s*:\s*\S.*$|^\*\*[^*]+:\*\*\s*\S.*$)");
  for (auto& line : nonempty_lines(c.text)) {
    if (is_heading(line)) return "contains a markdown heading: \"" + snippet(line) + "\"";
    if (!std::regex_match(line, line_re)) return "a line that is not \"**Headline**: body\": \"" + snippet(line) + "\"";
  }
  return std::nullopt;
}

// comprehensive: plain paragraphs: no headings, no bullet lines, no markdown.
std::optional<std::string> prose_markup(const QaContext& c) {
  for (auto& line : nonempty_lines(c.text)) {
    if (is_heading(line)) return "contains a markdown heading: \"" + snippet(line) + "\"";
    if (is_bullet_line(line)) return "contains a bullet line: \"" + snippet(line) + "\"";
  }
  if (auto e = emphasis_in(c.text)) return "contains markdown " + *e;
  if (c.text.find("](") != std::string::npos) return "contains a markdown link";
  return std::nullopt;
}

// A preamble or sign-off that strip_wrappers did not take off (it was not
// at an edge): the model talking to its user is never stored.
std::optional<std::string> no_chatter(const QaContext& c) {
  for (auto& line : nonempty_lines(c.text)) {
    if (is_preamble_line(line, false)) return "a preamble line: \"" + snippet(line) + "\"";
    if (is_sign_off_line(line, true)) return "addresses the reader: \"" + snippet(line) + "\"";
  }
  return std::nullopt;
}

// Padding by repetition: the same sentence (or bullet) twice.
std::optional<std::string> no_repetition(const QaContext& c) {
  std::set<std::string> seen;
  for (auto& line : nonempty_lines(c.text)) {
    for (auto& s : split_sentences(strip_bullet_marker(line))) {
      if (count_words(s) < 5) continue;
      std::string key;
      for (auto& w : split_words(s)) key += term_key(w, "") + " ";
      if (!seen.insert(key).second) return "repeats the sentence \"" + s.substr(0, 60) + "\"";
    }
  }
  return std::nullopt;
}

// Learners at lower levels need short sentences; the glossary lines are
// short by construction, so the average is a fair measure.
std::optional<std::string> sentence_length(const QaContext& c) {
  auto rule = level_rule(*c.spec, c.variant);
  if (rule.max_sentence_words <= 0) return std::nullopt;
  auto sentences = split_sentences(c.text);
  if (sentences.empty()) return std::nullopt;
  int words = 0;
  for (auto& s : sentences) words += count_words(s);
  double avg = static_cast<double>(words) / sentences.size();
  double allowed = rule.max_sentence_words * 1.25;
  if (avg > allowed)
    return "average sentence has " + std::to_string(static_cast<int>(avg)) + " words, expected at most " +
           std::to_string(static_cast<int>(allowed)) + " for " + rule.cefr;
  return std::nullopt;
}

const std::map<std::string, Check>& registry() {
  static const std::map<std::string, Check> checks = {
      {"not_empty", not_empty},         {"no_refusal", no_refusal},         {"word_range", word_range},
      {"language", language},           {"bullet_count", bullet_count},     {"bullet_length", bullet_length},
      {"bottom_line", bottom_line},     {"insight_count", insight_count},   {"insight_format", insight_format},
      {"plain_speech", plain_speech},   {"no_repetition", no_repetition},   {"sentence_length", sentence_length},
      {"bullet_markup", bullet_markup}, {"insight_markup", insight_markup}, {"prose_markup", prose_markup},
      {"no_chatter", no_chatter},
  };
  return checks;
}

}  // namespace

const Check& check_named(const std::string& name) {
  auto it = registry().find(name);
  if (it == registry().end()) throw std::invalid_argument("no QA check named '" + name + "'");
  return it->second;
}

std::vector<std::string> check_names() {
  std::vector<std::string> out;
  for (auto& [name, fn] : registry()) out.push_back(name);
  return out;
}

std::vector<QaFailure> run_checks(const QaContext& ctx) {
  std::vector<QaFailure> failures;
  for (auto& name : ctx.spec->checks) {
    // An empty text fails every later check too; one reason is enough.
    if (auto reason = check_named(name)(ctx)) {
      failures.push_back({name, *reason});
      if (name == "not_empty") break;
    }
  }
  return failures;
}

BulletDoc parse_bullets(const std::string& text) {
  BulletDoc doc;
  for (auto& line : nonempty_lines(text)) {
    if (auto bl = bottom_line_text(line)) {
      doc.bottom_line = *bl;
      continue;
    }
    if (is_bullet_line(line)) doc.bullets.push_back(trim(strip_bullet_marker(line)));
  }
  return doc;
}

std::vector<Insight> parse_insights(const std::string& text) {
  // "**Headline**: body", "1. **Headline.** body", "- **Headline** - body"; a
  // body on the following line(s) belongs to the headline above it.
  static const std::regex re(R"(^(?:(?:[-*+]|•)\s+|\d{1,2}[.)]\s+)?\*\*([^*]+)\*\*\s*[:.\-]?\s*(.*)$)");
  std::vector<Insight> out;
  for (auto& line : nonempty_lines(text)) {
    std::smatch m;
    if (std::regex_match(line, m, re)) {
      std::string headline = trim(m[1].str());
      while (!headline.empty() && (headline.back() == ':' || headline.back() == '.')) headline.pop_back();
      out.push_back({trim(headline), trim(m[2].str())});
    } else if (!out.empty()) {
      out.back().body = trim(out.back().body + " " + line);
    }
  }
  return out;
}

std::string bottom_line_label(const std::string& language) {
  if (language == "fr") return "En résumé";
  if (language == "es") return "En resumen";
  return "Bottom line";
}

bool looks_like_refusal(const std::string& text) {
  // Phrases no summary of a video would open with.
  static const char* const kStrong[] = {"as an ai",
                                        "as a language model",
                                        "cannot provide a summary",
                                        "can't provide a summary",
                                        "no transcript was provided",
                                        "en tant qu'ia",
                                        "como modelo de lenguaje",
                                        "como una ia"};
  // Phrases a speaker may say too: a refusal only when they open a short answer.
  static const char* const kWeak[] = {"i'm sorry",      "i am sorry",  "i cannot",    "i can't",       "i can not",
                                      "i'm unable",     "i am unable", "i apologize", "unfortunately", "je suis désolé",
                                      "je ne peux pas", "lo siento",   "no puedo"};
  std::string head = lower(text.substr(0, 300));
  for (const char* p : kStrong)
    if (head.find(p) != std::string::npos) return true;
  if (count_words(text) >= 80) return false;
  auto sentences = split_sentences(text);
  std::string first = sentences.empty() ? head : lower(sentences.front());
  for (const char* p : kWeak)
    if (first.find(p) != std::string::npos) return true;
  return false;
}

}  // namespace td::summarize
