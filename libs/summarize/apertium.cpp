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
  if (chain.empty()) return out;

  // Only non-empty pieces travel; their positions are restored afterwards.
  std::vector<size_t> where;
  std::string text;
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::string p = pieces[i];
    for (auto& c : p)
      if (c == '\n' || c == '\r') c = ' ';
    p = trim(p);
    if (p.empty()) continue;
    where.push_back(i);
    text += p + "\n\n";
  }
  for (auto& mode : chain) {
    td::process::Options o;
    o.stdin_data = text;
    o.timeout = std::chrono::seconds(120);
    td::process::Result r;
    try {
      r = td::process::run({program_, "-u", mode}, o);
    } catch (const std::system_error& e) {
      throw td::PermanentError("translator_missing", std::string("cannot run apertium: ") + e.what() + "; " +
                                                         kInstallHint);
    }
    if (!r.ok()) throw td::TransientError("translation_failed", "apertium " + mode + " failed: " + r.describe());
    text = r.out;
  }
  auto translated = split_paragraphs(text);
  if (translated.size() != where.size())
    throw td::TransientError("translation_failed", "apertium returned " + std::to_string(translated.size()) +
                                                       " paragraphs for " + std::to_string(where.size()));
  for (size_t k = 0; k < where.size(); ++k) out.pieces[where[k]] = translated[k];
  return out;
}

}  // namespace td::summarize
