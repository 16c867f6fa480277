#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <system_error>

#include "common/errors.h"
#include "common/process.h"
#include "summarize/text.h"
#include "summarize/translator.h"

namespace td::summarize {

namespace {

const char* const kInstallHint =
    "install the Debian packages apertium apertium-eng-spa apertium-fr-es, or set SUMMARIZER=openai,extractive "
    "with LLM_BASE_URL and LLM_MODEL so a model writes this variant";

// A mode "eng-spa" translates eng to spa; "eco-es-fr" and "spa-eng_US" are
// variants we do not route through.
std::optional<std::pair<std::string, std::string>> mode_pair(const std::string& mode) {
  auto dash = mode.find('-');
  if (dash == std::string::npos || mode.find('-', dash + 1) != std::string::npos) return std::nullopt;
  if (mode.find('_') != std::string::npos) return std::nullopt;
  return std::make_pair(apertium_code_to_iso(mode.substr(0, dash)), apertium_code_to_iso(mode.substr(dash + 1)));
}

std::vector<std::string> split_paragraphs(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (auto& line : [&] {
         std::vector<std::string> lines;
         size_t start = 0;
         while (start <= text.size()) {
           size_t nl = text.find('\n', start);
           if (nl == std::string::npos) nl = text.size();
           lines.push_back(text.substr(start, nl - start));
           start = nl + 1;
         }
         return lines;
       }()) {
    if (trim(line).empty()) {
      if (!trim(current).empty()) out.push_back(trim(current));
      current.clear();
    } else {
      append_sep(current, " ", line);
    }
  }
  if (!trim(current).empty()) out.push_back(trim(current));
  return out;
}

bool word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

// Apertium's marks for a word it could not translate (unknown to the
// analyser, to the bilingual dictionary, or to the generator), and the
// fullwidth forms (U+FF0A, U+FF03, U+FF20) that stand in for literal ones.
const char kMarks[] = "*#@";
const char* const kFullwidth[] = {"\xEF\xBC\x8A", "\xEF\xBC\x83", "\xEF\xBC\xA0"};

bool after_fullwidth(const std::string& s, size_t i) {
  for (auto* f : kFullwidth)
    if (i >= 3 && s.compare(i - 3, 3, f) == 0) return true;
  return false;
}

// A mark opens a word: "*viviente", and "＠*usuario" after a protected literal,
// but not the "#" of "C#5" or the "@" of "a@b.org".
bool mark_at(const std::string& s, size_t i) {
  return s[i] != '\0' && std::strchr(kMarks, s[i]) && i + 1 < s.size() && word_byte(s[i + 1]) &&
         (i == 0 || !word_byte(s[i - 1]) || after_fullwidth(s, i));
}

std::string protect_literal_marks(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (mark_at(s, i)) out += kFullwidth[std::strchr(kMarks, s[i]) - kMarks];
    else out += s[i];
  }
  return out;
}

void restore_literal_marks(std::string& s) {
  for (int m = 0; m < 3; ++m)
    for (size_t p = s.find(kFullwidth[m]); p != std::string::npos; p = s.find(kFullwidth[m], p + 1))
      s.replace(p, 3, 1, kMarks[m]);
}

// Removes the marks from one translated paragraph and appends the words they marked to unknown.
std::string strip_marks(const std::string& s, std::vector<std::string>& unknown) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (!mark_at(s, i)) {
      out += s[i];
      continue;
    }
    size_t end = s.find_first_of(" \t\n", i + 1);
    std::string word = strip_punct(s.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1));
    // A word no step knows is marked by each of them: report it once.
    if (!word.empty() && std::find(unknown.begin(), unknown.end(), word) == unknown.end()) unknown.push_back(word);
  }
  return out;
}

}  // namespace

std::string apertium_code_to_iso(const std::string& code) {
  static const std::map<std::string, std::string> codes = {
      {"eng", "en"}, {"spa", "es"}, {"fra", "fr"}, {"fre", "fr"}, {"cat", "ca"}, {"por", "pt"},
      {"ita", "it"}, {"deu", "de"}, {"ger", "de"}, {"glg", "gl"}, {"oci", "oc"}, {"ron", "ro"}};
  auto it = codes.find(code);
  return it == codes.end() ? code : it->second;
}

ApertiumTranslator::ApertiumTranslator(std::string program) : program_(std::move(program)) {}

void ApertiumTranslator::load_modes() {
  std::call_once(loaded_, [this] {
    try {
      td::process::Options o;
      o.timeout = std::chrono::seconds(20);
      auto r = td::process::run({program_, "-l"}, o);
      if (!r.ok()) return;
      installed_ = true;
      for (auto& w : split_words(r.out)) modes_.push_back(w);
    } catch (const std::system_error&) {
      installed_ = false;  // not on PATH
    }
  });
}

bool ApertiumTranslator::installed() {
  load_modes();
  return installed_;
}

std::optional<std::vector<std::string>> ApertiumTranslator::route(const std::string& from, const std::string& to) {
  load_modes();
  if (from == to) return std::vector<std::string>{};
  // Breadth-first over language pairs: the shortest chain of modes.
  std::map<std::string, std::pair<std::string, std::string>> came_from;  // lang -> (previous lang, mode)
  std::deque<std::string> queue{from};
  std::set<std::string> seen{from};
  while (!queue.empty()) {
    auto lang = queue.front();
    queue.pop_front();
    for (auto& mode : modes_) {
      auto pair = mode_pair(mode);
      if (!pair || pair->first != lang || seen.count(pair->second)) continue;
      seen.insert(pair->second);
      came_from[pair->second] = {lang, mode};
      if (pair->second == to) {
        std::vector<std::string> chain;
        for (std::string at = to; at != from; at = came_from[at].first) chain.insert(chain.begin(), came_from[at].second);
        return chain;
      }
      queue.push_back(pair->second);
    }
  }
  return std::nullopt;
}

void ApertiumTranslator::require(const std::string& from, const std::string& to) {
  if (!installed())
    throw td::PermanentError("translator_missing", "cannot translate " + from + " to " + to + ": '" + program_ +
                                                       "' is not installed; " + kInstallHint);
  if (!route(from, to)) {
    std::string have;
    for (auto& m : modes_) append_sep(have, ", ", m);
    throw td::PermanentError("no_translation_route", "Apertium has no mode chain from " + from + " to " + to +
                                                         " (installed modes: " + (have.empty() ? "none" : have) +
                                                         "); set SUMMARIZER=openai,extractive with LLM_BASE_URL "
                                                         "and LLM_MODEL so a model writes this variant");
  }
}

Translation ApertiumTranslator::translate(const std::vector<std::string>& pieces, const std::string& from,
                                          const std::string& to) {
  require(from, to);
  auto chain = *route(from, to);
  Translation out;
  out.pieces = pieces;
  out.engine = "apertium";
  for (size_t i = 0; i < chain.size(); ++i) out.engine += (i ? ">" : " ") + chain[i];
  out.unknown.assign(pieces.size(), {});
  if (chain.empty()) return out;

  // Only non-empty pieces travel; their positions are restored afterwards.
  std::vector<size_t> where;
  std::vector<std::string> paragraphs;
  bool had_fullwidth = false;
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::string p = pieces[i];
    for (auto& c : p)
      if (c == '\n' || c == '\r') c = ' ';
    p = trim(p);
    if (p.empty()) continue;
    for (auto* f : kFullwidth) had_fullwidth = had_fullwidth || p.find(f) != std::string::npos;
    where.push_back(i);
    paragraphs.push_back(protect_literal_marks(p));
  }
  // Without -u, so unknown words come back marked: one process per mode,
  // each mark noted against its piece and removed before the next mode.
  for (auto& mode : chain) {
    td::process::Options o;
    for (auto& p : paragraphs) o.stdin_data += p + "\n\n";
    o.timeout = std::chrono::seconds(120);
    td::process::Result r;
    try {
      r = td::process::run({program_, mode}, o);
    } catch (const std::system_error& e) {
      throw td::PermanentError("translator_missing", std::string("cannot run apertium: ") + e.what() + "; " +
                                                         kInstallHint);
    }
    if (!r.ok()) throw td::TransientError("translation_failed", "apertium " + mode + " failed: " + r.describe());
    auto translated = split_paragraphs(r.out);
    if (translated.size() != where.size())
      throw td::TransientError("translation_failed", "apertium " + mode + " returned " +
                                                         std::to_string(translated.size()) + " paragraphs for " +
                                                         std::to_string(where.size()));
    for (size_t k = 0; k < where.size(); ++k) paragraphs[k] = strip_marks(translated[k], out.unknown[where[k]]);
  }
  for (size_t k = 0; k < where.size(); ++k) {
    // A fullwidth sign already in the input stays as it was.
    if (!had_fullwidth) restore_literal_marks(paragraphs[k]);
    out.pieces[where[k]] = paragraphs[k];
  }
  return out;
}

}  // namespace td::summarize
