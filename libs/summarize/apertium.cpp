#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
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

// ---- Apertium's stream format -------------------------------------------
//
// `apertium -f txt` wraps the mode in apertium-destxt / apertium-retxt, which
// turn blank lines into superblanks "[\n\n]" holding only whitespace. A piece
// that translates to nothing ("shall" alone: Spanish has only the future
// ending) then leaves two superblanks side by side, the output shows one
// paragraph fewer, and nothing says which piece went missing. So we speak
// the stream format ourselves (`apertium -f none`): each piece is escaped
// the way apertium-destxt escapes text, ends with the deformatter's sentence
// break ".[]" (so no rule reaches across pieces), and is followed by a
// superblank of its own, "[<td-piece K>]". Every module of a mode copies
// superblanks through unchanged and in order, and a piece's own text cannot
// contain one (its "[", "<" are escaped), so the output is split on the
// markers, not on blank lines.

const char kStreamReserved[] = "[]^$/\\@<>{}";
const char kPieceMarker[] = "<td-piece ";

std::string piece_marker(size_t k) { return std::string("[") + kPieceMarker + std::to_string(k) + ">]"; }

// One piece as stream text: control characters and whitespace runs become one
// space (other whitespace would need a superblank), reserved characters are
// backslash-escaped, and "~" (the post-generator's alternation sign) travels
// in a superblank, all as apertium-destxt does.
std::string stream_escape(const std::string& piece) {
  std::string out;
  out.reserve(piece.size() + 16);
  bool space = false;
  for (char ch : piece) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == ' ' || c == 0x7f) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    if (ch == '~') out += "[~]";
    else {
      if (std::strchr(kStreamReserved, ch)) out += '\\';
      out += ch;
    }
  }
  return out;
}

// A word Apertium translates to nothing ("will" in "The world will little
// note") leaves its two spaces behind.
std::string single_spaced(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != ' ' || (!out.empty() && out.back() != ' ')) out += c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The marker number in a superblank's content "<td-piece 12>", or -1.
long marker_number(const std::string& content) {
  size_t n = std::strlen(kPieceMarker);
  if (content.size() <= n + 1 || content.compare(0, n, kPieceMarker) != 0 || content.back() != '>') return -1;
  long k = 0;
  for (size_t i = n; i + 1 < content.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(content[i])) || k > 100000000) return -1;
    k = k * 10 + (content[i] - '0');
  }
  return k;
}

// Splits a mode's stream output back into `count` pieces of plain text, as
// apertium-retxt would write them (escapes undone, superblank contents kept,
// the ".[]" sentence breaks removed). A piece comes back nullopt when the
// output cannot say which text is its own: its marker is missing, repeated or
// out of order (then the text before it may hold a neighbour's words too).
// A lone piece owns all the output, marker or not.
std::vector<std::optional<std::string>> split_stream(const std::string& out, size_t count) {
  std::vector<std::optional<std::string>> pieces(count);
  std::string current, all;  // all: the whole text, which a lone piece owns
  long previous = -1;        // the last marker seen in order
  bool in_order = true;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (c == '\\' && i + 1 < out.size()) {
      current += out[++i];
      continue;
    }
    if (c != '[') {
      current += c;
      continue;
    }
    if (i + 1 < out.size() && out[i + 1] == '[') {  // a word-bound blank "[[t:b:1]]": formatting only
      size_t close = out.find("]]", i + 2);
      i = close == std::string::npos ? out.size() : close + 1;
      continue;
    }
    std::string content;
    size_t j = i + 1;
    for (; j < out.size() && out[j] != ']'; ++j) {
      if (out[j] == '\\' && j + 1 < out.size()) ++j;
      content += out[j];
    }
    i = j;
    if (content.empty()) {  // ".[]": the deformatter's sentence break
      if (!current.empty() && current.back() == '.') current.pop_back();
      continue;
    }
    long k = marker_number(content);
    if (k < 0) {
      current += content;
      continue;
    }
    if (k <= previous || k >= static_cast<long>(count)) {
      in_order = false;  // repeated or unknown: no marker can be trusted
    } else {
      // A skipped marker means its piece's text (if any) ran into piece k's.
      if (k == previous + 1) pieces[k] = trim(current);
      previous = k;
    }
    all += current;
    current.clear();
  }
  all += current;
  if (count == 1) return {trim(all)};
  if (!in_order) return std::vector<std::optional<std::string>>(count);
  // Text after the last marker may be the last piece's.
  if (!trim(current).empty() && previous == static_cast<long>(count) - 1) pieces[previous].reset();
  return pieces;
}

}  // namespace

std::string apertium_code_to_iso(const std::string& code) {
  static const std::map<std::string, std::string> codes = {{"eng", "en"}, {"spa", "es"}, {"fra", "fr"}, {"fre", "fr"},
                                                           {"cat", "ca"}, {"por", "pt"}, {"ita", "it"}, {"deu", "de"},
                                                           {"ger", "de"}, {"glg", "gl"}, {"oci", "oc"}, {"ron", "ro"}};
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
        for (std::string at = to; at != from; at = came_from[at].first)
          chain.insert(chain.begin(), came_from[at].second);
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

// One `apertium -f none <mode>` over every piece (see split_stream). Fails
// with td::PermanentError ("translator_missing") when the program cannot be
// run at all, td::TransientError ("translation_failed") when it could not
// start for want of resources, crashed, failed or timed out: none of these
// depends on the text, which is escaped so that no input can break the stream.
std::vector<std::optional<std::string>> ApertiumTranslator::run_mode(const std::string& mode,
                                                                     const std::vector<std::string>& pieces) {
  td::process::Options o;
  size_t bytes = 0;
  for (auto& p : pieces) bytes += p.size() + 24;
  o.stdin_data.reserve(bytes);
  for (size_t k = 0; k < pieces.size(); ++k) o.stdin_data += stream_escape(pieces[k]) + ".[]" + piece_marker(k);
  o.stdin_data += '\n';
  o.timeout = std::chrono::seconds(120);
  td::process::Result r;
  try {
    r = td::process::run({program_, "-f", "none", mode}, o);
  } catch (const std::system_error& e) {
    int code = e.code().value();
    if (code == ENOENT || code == EACCES || code == ENOEXEC || code == ENOTDIR)
      throw td::PermanentError("translator_missing",
                               std::string("cannot run apertium: ") + e.what() + "; " + kInstallHint);
    throw td::TransientError("translation_failed", std::string("cannot start apertium: ") + e.what());
  }
  if (!r.ok()) throw td::TransientError("translation_failed", "apertium " + mode + " failed: " + r.describe());
  return split_stream(r.out, pieces.size());
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
    std::string p = trim(pieces[i]);
    if (p.empty()) {
      out.pieces[i].clear();
      continue;
    }
    for (auto* f : kFullwidth) had_fullwidth = had_fullwidth || p.find(f) != std::string::npos;
    where.push_back(i);
    paragraphs.push_back(protect_literal_marks(p));
  }
  // Without -u, so unknown words come back marked: one process per mode,
  // each mark noted against its piece and removed before the next mode. A
  // piece emptied by one mode is not sent to the next.
  for (auto& mode : chain) {
    std::vector<size_t> live;
    std::vector<std::string> batch;
    for (size_t k = 0; k < paragraphs.size(); ++k) {
      if (paragraphs[k].empty()) continue;
      live.push_back(k);
      batch.push_back(paragraphs[k]);
    }
    if (live.empty()) break;
    auto translated = run_mode(mode, batch);
    size_t alone = 0;
    for (size_t n = 0; n < live.size(); ++n) {
      auto& t = translated[n];
      // Never expected (superblanks keep their place), but should a mode lose
      // or move a marker, the pieces it leaves in doubt go again one by one.
      if (!t) {
        t = run_mode(mode, {batch[n]})[0];
        ++alone;
      }
      paragraphs[live[n]] = single_spaced(strip_marks(*t, out.unknown[where[live[n]]]));
    }
    if (alone)
      spdlog::warn("apertium {} misaligned {} of {} pieces; translated them one by one", mode, alone, live.size());
  }
  for (size_t k = 0; k < where.size(); ++k) {
    // A fullwidth sign already in the input stays as it was.
    if (!had_fullwidth) restore_literal_marks(paragraphs[k]);
    out.pieces[where[k]] = paragraphs[k];
  }
  return out;
}

}  // namespace td::summarize
