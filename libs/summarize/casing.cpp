#include "summarize/casing.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "common/env.h"
#include "summarize/lexicon.h"
#include "summarize/text.h"

namespace td::summarize {

namespace {

namespace fs = std::filesystem;

bool starts_upper(const std::string& w) {
  if (w.empty()) return false;
  unsigned char c = w[0];
  if (c < 0x80) return std::isupper(c);
  return c == 0xC3 && w.size() > 1 && static_cast<unsigned char>(w[1]) >= 0x80 &&
         static_cast<unsigned char>(w[1]) <= 0x9E && static_cast<unsigned char>(w[1]) != 0x97;
}

bool has_upper(const std::string& w) {
  for (size_t i = 0; i < w.size(); ++i) {
    unsigned char c = w[i];
    if (c < 0x80 && std::isupper(c)) return true;
    if (c == 0xC3 && i + 1 < w.size() && static_cast<unsigned char>(w[i + 1]) <= 0x9E) return true;
  }
  return false;
}

// The .dic file for a language: xx_XX.dic, xx.dic, then any xx_*.dic.
std::optional<fs::path> dictionary_file(const std::string& language) {
  fs::path dir = td::env::get_or("HUNSPELL_DIR", "/usr/share/hunspell");
  std::string upper = language;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto name : {language + "_" + upper + ".dic", language + ".dic"})
    if (fs::exists(dir / name)) return dir / name;
  std::error_code ec;
  std::vector<fs::path> found;
  for (auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".dic" && e.path().filename().string().rfind(language + "_", 0) == 0)
      found.push_back(e.path());
  if (found.empty()) return std::nullopt;
  std::sort(found.begin(), found.end());
  return found.front();
}

struct Spellings {
  std::unordered_map<std::string, std::string> proper;  // "venus" -> "Venus"
  std::unordered_set<std::string> lowercase;            // entries written in lowercase
  std::unordered_set<std::string> names;                // marked proper nouns (fr.dic's "po:npr")
};

// Whether a lowercase entry, through the usual English/Romance endings,
// makes this word: "greater" (great), "times" (time), "caves" (cave),
// "making" (make), "stopped" (stop), "studies" (study). The .dic lists
// stems and leaves endings to affix rules, so a capitalised entry
// ("Greater", "Times") is ambiguous when an ordinary word makes the same form.
bool derived_from_lowercase(const std::string& key, const Spellings& s) {
  if (s.lowercase.count(key)) return true;
  static const std::pair<const char*, const char*> endings[] = {
      {"s", ""},    {"es", ""},    {"ed", ""},   {"d", ""},    {"ing", ""}, {"ing", "e"}, {"er", ""},
      {"r", ""},    {"est", ""},   {"st", ""},   {"ly", ""},   {"'s", ""},  {"ies", "y"}, {"ied", "y"},
      {"ier", "y"}, {"iest", "y"}, {"ment", ""}, {"ness", ""}, {"x", ""}};
  for (auto [ending, restore] : endings) {
    size_t n = std::strlen(ending);
    if (key.size() <= n + 2 || key.compare(key.size() - n, n, ending) != 0) continue;
    std::string stem = key.substr(0, key.size() - n);
    if (s.lowercase.count(stem + restore)) return true;
    // Doubled consonant: "stopped", "bigger".
    if (!*restore && stem.size() > 2 && stem.back() == stem[stem.size() - 2] &&
        s.lowercase.count(stem.substr(0, stem.size() - 1)))
      return true;
  }
  return false;
}

// Capitalised entries whose lowercase form is not an ordinary word.
Spellings load(const std::string& language) {
  Spellings out;
  auto file = dictionary_file(language);
  if (!file) {
    spdlog::warn(
        "no Hunspell dictionary for '{}' in {}: proper nouns in lowercase captions stay lowercase "
        "(install hunspell-{} or set HUNSPELL_DIR)",
        language, td::env::get_or("HUNSPELL_DIR", "/usr/share/hunspell"), language == "en" ? "en-us" : language);
    return out;
  }
  std::ifstream in(*file);
  std::string line;
  std::getline(in, line);  // the entry count
  while (std::getline(in, line)) {
    size_t end = line.find_first_of("/\t ");
    std::string word = line.substr(0, end);
    if (word.size() < 2 || word.find('.') != std::string::npos) continue;
    if (!has_upper(word)) {
      out.lowercase.insert(word);
    } else if (starts_upper(word)) {
      out.proper.emplace(lower(word), word);
      if (line.find("po:npr") != std::string::npos) out.names.insert(lower(word));
    }
  }
  // A name the dictionary marks as one ("Paris") beats an ordinary word that
  // only an ending makes ("paris", bets): ask for the plural and you get the city.
  for (auto it = out.proper.begin(); it != out.proper.end();) {
    bool ordinary =
        out.lowercase.count(it->first) || (!out.names.count(it->first) && derived_from_lowercase(it->first, out));
    it = ordinary ? out.proper.erase(it) : std::next(it);
  }
  return out;
}

const Spellings& spellings(const std::string& language) {
  static std::mutex mu;
  static std::map<std::string, Spellings> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(language);
  if (it == cache.end()) it = cache.emplace(language, load(language)).first;
  return it->second;
}

// Names of more than one word, each also an ordinary word ("united", "states").
const std::map<std::string, std::vector<std::vector<std::string>>>& multiword() {
  static const std::map<std::string, std::vector<std::vector<std::string>>> names = {
      {"en", {{"United", "States"}, {"United", "Nations"}, {"United", "Kingdom"},
              {"Soviet", "Union"},  {"New", "York"},       {"New", "Orleans"},
              {"New", "Zealand"},   {"New", "Mexico"},     {"Los", "Angeles"},
              {"San", "Francisco"}, {"White", "House"},    {"North", "America"},
              {"South", "America"}, {"Middle", "East"},    {"Great", "Britain"},
              {"Supreme", "Court"}, {"Civil", "War"},      {"Declaration", "of", "Independence"},
              {"Milky", "Way"},     {"Cape", "Canaveral"}}},
      {"fr", {{"Nations", "unies"}, {"Royaume-Uni"}, {"Union", "européenne"}, {"Assemblée", "nationale"}}},
      {"es", {{"Estados", "Unidos"}, {"Naciones", "Unidas"}, {"Reino", "Unido"}, {"Unión", "Europea"}}}};
  return names;
}

// Replaces the letters of token (keeping its punctuation) with spelling.
void respell(std::string& token, const std::string& core, const std::string& spelling) {
  auto at = token.find(core);
  if (at != std::string::npos) token.replace(at, core.size(), spelling);
}

std::string dictionary_form(const std::string& key, const std::string& language) {
  // Function words are never names, whatever the dictionary lists ("AS", "Is", "US").
  if (is_stopword(key, language) || lexicon::never_ends(key) || lexicon::never_starts(key) ||
      lexicon::subordinates(key))
    return "";
  const auto& s = spellings(language);
  if (auto it = s.proper.find(key); it != s.proper.end()) return it->second;
  if (s.lowercase.count(key) || derived_from_lowercase(key, s)) return "";
  // Inflected forms the .dic lists through affix flags: "americans", "kennedy's".
  for (std::string suffix : {"'s", "s", "es"}) {
    if (key.size() <= suffix.size() + 2 || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    if (auto it = s.proper.find(key.substr(0, key.size() - suffix.size())); it != s.proper.end())
      return it->second + suffix;
  }
  return "";
}

}  // namespace

bool needs_case(const std::vector<Word>& words) {
  if (words.empty()) return false;
  size_t capitals = 0;
  for (auto& w : words) capitals += has_upper(w.text);
  return capitals * 100 < words.size();
}

std::string proper_spelling(const std::string& lowered, const std::string& language) {
  return dictionary_form(lowered, language);
}

void restore_case(std::vector<Word>& words, const std::string& language) {
  std::vector<std::string> keys;
  for (auto& w : words) keys.push_back(lower(strip_punct(w.text)));
  if (auto names = multiword().find(language); names != multiword().end()) {
    for (size_t i = 0; i < words.size(); ++i)
      for (auto& name : names->second) {
        if (i + name.size() > words.size()) continue;
        bool match = true;
        for (size_t k = 0; k < name.size() && match; ++k) match = keys[i + k] == lower(name[k]);
        if (!match) continue;
        for (size_t k = 0; k < name.size(); ++k) respell(words[i + k].text, strip_punct(words[i + k].text), name[k]);
        i += name.size() - 1;
        break;
      }
  }
  for (size_t i = 0; i < words.size(); ++i) {
    auto& w = words[i];
    if (has_upper(w.text)) continue;
    const std::string& key = keys[i];
    if (language == "en" && (key == "i" || key.rfind("i'", 0) == 0)) {
      std::string spelled = key;
      spelled[0] = 'I';
      respell(w.text, strip_punct(w.text), spelled);
      continue;
    }
    if (auto form = dictionary_form(key, language); !form.empty()) respell(w.text, strip_punct(w.text), form);
  }
}

}  // namespace td::summarize
