// The whole-unit check: every sentence a summary takes from its source must
// be a stretch of the source that starts where a source sentence or clause
// starts and ends where one ends, never at a word count ("... the last
// full." where the source goes on "measure of devotion"). Leading "and",
// "but", "so" may have been dropped and the first letter capitalised; the
// final mark may differ (a clause ending in a comma is closed with a period).
#pragma once

#include <string>
#include <vector>

#include "summarize/lexicon.h"
#include "summarize/text.h"

namespace td::summarize::testing {

struct SourceWords {
  std::vector<std::string> keys;      // lowercased, punctuation stripped
  std::vector<bool> boundary_before;  // a sentence or clause starts at word i
  std::vector<bool> boundary_after;   // one ends after word i
};

inline bool closes(const std::string& token) {
  std::string t = token;
  while (!t.empty() && (t.back() == '"' || t.back() == ')' || t.back() == '\'')) t.pop_back();
  if (t.size() >= 2 && (t.compare(t.size() - 2, 2, "--") == 0 || t.compare(t.size() - 2, 2, "\xC2\xBB") == 0))
    return true;
  if (t.size() >= 3 &&
      (t.compare(t.size() - 3, 3, "\xE2\x80\x94") == 0 || t.compare(t.size() - 3, 3, "\xE2\x80\x93") == 0 ||
       t.compare(t.size() - 3, 3, "\xE2\x80\x9D") == 0))
    return true;
  if (t.empty()) return false;
  char c = t.back();
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?';
}

inline bool is_dash(const std::string& t) {
  return t == "-" || t == "--" || t == "\xE2\x80\x94" || t == "\xE2\x80\x93";
}

inline SourceWords source_words(const std::string& text) {
  SourceWords s;
  bool next_starts = true;
  for (auto& raw : split_words(text)) {
    // "us—that" and "Happiness.--That": the dash splits the token.
    std::vector<std::string> parts;
    std::string rest = raw;
    for (;;) {
      size_t at = std::string::npos, len = 0;
      for (std::string d : {"\xE2\x80\x94", "\xE2\x80\x93", "--"})
        if (auto p = rest.find(d); p != std::string::npos && p > 0 && p + d.size() < rest.size() && p < at)
          at = p, len = d.size();
      if (at == std::string::npos) break;
      parts.push_back(rest.substr(0, at + len));
      rest = rest.substr(at + len);
    }
    parts.push_back(rest);
    for (auto& tok : parts) {
      if (is_dash(tok) || !is_word_token(tok)) {
        if (!s.keys.empty()) s.boundary_after.back() = true;
        next_starts = true;
        continue;
      }
      s.keys.push_back(lower(strip_punct(tok)));
      s.boundary_before.push_back(next_starts);
      s.boundary_after.push_back(closes(tok));
      next_starts = closes(tok);
    }
  }
  if (!s.boundary_after.empty()) s.boundary_after.back() = true;
  return s;
}

// True when sentence is a whole unit of source (see the file comment).
inline bool is_whole_unit(const std::string& sentence, const SourceWords& src) {
  std::vector<std::string> want;
  for (auto& tok : split_words(sentence))
    if (is_word_token(tok)) want.push_back(lower(strip_punct(tok)));
  if (want.empty()) return false;
  for (size_t i = 0; i + want.size() <= src.keys.size(); ++i) {
    bool match = true;
    for (size_t k = 0; k < want.size() && match; ++k) match = src.keys[i + k] == want[k];
    if (!match || !src.boundary_after[i + want.size() - 1]) continue;
    // It starts at a boundary, or just after dropped leading words ("and", "so").
    size_t b = i;
    for (int dropped = 0; dropped < 2 && b > 0 && !src.boundary_before[b] && lexicon::droppable_lead(src.keys[b - 1]);
         ++dropped)
      --b;
    if (src.boundary_before[b]) return true;
  }
  return false;
}

}  // namespace td::summarize::testing
