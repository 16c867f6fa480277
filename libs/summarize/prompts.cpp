#include "summarize/prompts.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <vector>

#include "common/env.h"
#include "common/errors.h"
#include "summarize/spec.h"
#include "summarize/text.h"

#ifndef TD_SOURCE_PROMPTS_DIR
#define TD_SOURCE_PROMPTS_DIR ""
#endif

namespace td::summarize {

namespace fs = std::filesystem;

namespace {

bool is_prompts_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::exists(p / "comprehensive.v1.md", ec);
}

// Replaces each {{key}} found in values, in one pass: text taken from a value
// is never scanned for placeholders again.
std::string substitute(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("{{", pos);
    size_t close = open == std::string::npos ? std::string::npos : text.find("}}", open + 2);
    if (close == std::string::npos) break;
    auto it = values.find(text.substr(open + 2, close - open - 2));
    out.append(text, pos, open - pos);
    if (it != values.end()) out += it->second;
    else out.append(text, open, close + 2 - open);
    pos = close + 2;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

// Whether an optional section [[...]] keeps its text (returned without the
// condition), per fill_placeholders' rules.
std::optional<std::string> keep_section(const std::string& inner, const std::map<std::string, std::string>& values) {
  static const std::regex cond_re(R"(^([A-Za-z_.]+)(!?=)([^:]*):)");
  std::string body = inner;
  std::smatch m;
  if (std::regex_search(inner, m, cond_re)) {
    auto it = values.find(m[1].str());
    bool equal = it != values.end() && it->second == m[3].str();
    if (equal != (m[2].str() == "=")) return std::nullopt;
    body = m.suffix().str();
  }
  for (size_t open = body.find("{{"); open != std::string::npos; open = body.find("{{", open + 2)) {
    size_t close = body.find("}}", open + 2);
    if (close == std::string::npos) break;
    auto it = values.find(body.substr(open + 2, close - open - 2));
    if (it != values.end() && it->second.empty()) return std::nullopt;
  }
  return body;
}

std::string expand_sections(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  std::istringstream lines(text);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    std::string kept;
    bool had_section = false;
    size_t pos = 0;
    while (true) {
      size_t open = line.find("[[", pos);
      size_t close = open == std::string::npos ? std::string::npos : line.find("]]", open + 2);
      if (close == std::string::npos) break;
      had_section = true;
      kept.append(line, pos, open - pos);
      if (auto body = keep_section(line.substr(open + 2, close - open - 2), values)) kept += *body;
      pos = close + 2;
    }
    kept.append(line, pos, std::string::npos);
    if (had_section && trim(kept).empty()) continue;
    if (!first) out += "\n";
    out += kept;
    first = false;
  }
  if (!text.empty() && text.back() == '\n') out += "\n";
  return out;
}

bool looks_like_code(const std::string& s) {
  static const std::regex re(R"(^[a-z]{2,3}(-[A-Za-z]{2,4})?$)");
  return std::regex_match(s, re);
}

}  // namespace

std::string find_prompts_dir() {
  std::vector<std::string> looked;
  if (auto dir = td::env::get("PROMPTS_DIR")) {
    // An explicit setting that is wrong must not silently fall back elsewhere.
    if (fs::is_directory(*dir)) return *dir;
    throw td::PermanentError("prompts_missing", "PROMPTS_DIR='" + *dir + "' is not a directory");
  }
  if (auto src = td::env::get("TUBEDIGEST_SOURCE_DIR")) {
    fs::path p = fs::path(*src) / "prompts";
    if (is_prompts_dir(p)) return p.string();
    looked.push_back(p.string());
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // A build tree (build/bin/ -> prompts/) or an installed prefix
    // (/usr/local/bin/ -> /usr/local/share/tubedigest/prompts, as in the image).
    for (fs::path dir = exe.parent_path(); !dir.empty(); dir = dir.parent_path()) {
      for (const fs::path& p : {dir / "prompts", dir / "share" / "tubedigest" / "prompts"}) {
        if (is_prompts_dir(p)) return p.string();
        looked.push_back(p.string());
      }
      if (dir == dir.root_path()) break;
    }
  }
  if (is_prompts_dir(TD_SOURCE_PROMPTS_DIR)) return TD_SOURCE_PROMPTS_DIR;
  looked.push_back(TD_SOURCE_PROMPTS_DIR);
  std::string list;
  for (auto& l : looked) append_sep(list, ", ", l);
  throw td::PermanentError("prompts_missing", "no prompts directory found (set PROMPTS_DIR); looked in " + list);
}

PromptTemplate load_prompt(const std::string& dir, const std::string& name) {
  const std::regex file_re(R"(^(.+)\.v(\d+)\.md$)");
  int best = -1;
  fs::path best_path;
  std::error_code ec;
  for (auto& entry : fs::directory_iterator(dir, ec)) {
    std::smatch m;
    std::string file = entry.path().filename().string();
    if (!std::regex_match(file, m, file_re) || m[1].str() != name) continue;
    int v = std::stoi(m[2].str());
    if (v > best) {
      best = v;
      best_path = entry.path();
    }
  }
  if (best < 0) throw td::PermanentError("prompt_missing", "no prompt file " + name + ".v<N>.md in " + dir);
  std::ifstream in(best_path);
  std::stringstream buf;
  buf << in.rdbuf();
  PromptTemplate t;
  t.version = name + ".v" + std::to_string(best);
  std::string* section = nullptr;
  std::string line;
  std::istringstream lines(buf.str());
  while (std::getline(lines, line)) {
    std::string l = trim(line);
    if (l == "## system") section = &t.system;
    else if (l == "## user") section = &t.user;
    else if (l == "## strict") section = &t.strict;
    else if (section) *section += line + "\n";
  }
  auto spec_values = spec_placeholders(name);
  t.system = substitute(trim(t.system), spec_values);
  t.user = substitute(trim(t.user), spec_values);
  t.strict = substitute(trim(t.strict), spec_values);
  if (t.system.empty() || t.user.empty())
    throw td::PermanentError("prompt_missing", best_path.string() + " needs '## system' and '## user' sections");
  return t;
}

std::map<std::string, std::string> spec_placeholders(const std::string& base) {
  std::map<std::string, std::string> out;
  const auto& specs = all_specs();
  auto spec = std::find_if(specs.begin(), specs.end(), [&](const VariantSpec& s) { return s.base == base; });
  if (spec == specs.end()) return out;
  out["max_item_words"] = std::to_string(spec->max_item_words);
  out["max_headline_words"] = std::to_string(spec->max_headline_words);
  for (auto& [level, rule] : {std::pair<const char*, const LevelRule&>{"beginner", spec->beginner},
                              {"intermediate", spec->intermediate},
                              {"advanced", spec->advanced}}) {
    std::string p = level;
    out[p + ".cefr"] = rule.cefr;
    out[p + ".glossary_terms"] = std::to_string(rule.glossary_terms);
    out[p + ".max_sentence_words"] = std::to_string(rule.max_sentence_words);
  }
  return out;
}

std::string language_in_words(const std::string& code) {
  static const std::map<std::string, std::string> names = {
      {"ar", "Arabic"},     {"cs", "Czech"},     {"da", "Danish"},     {"de", "German"},  {"el", "Greek"},
      {"en", "English"},    {"es", "Spanish"},   {"fi", "Finnish"},    {"fr", "French"},  {"he", "Hebrew"},
      {"hi", "Hindi"},      {"hu", "Hungarian"}, {"id", "Indonesian"}, {"it", "Italian"}, {"ja", "Japanese"},
      {"ko", "Korean"},     {"nl", "Dutch"},     {"no", "Norwegian"},  {"pl", "Polish"},  {"pt", "Portuguese"},
      {"ro", "Romanian"},   {"ru", "Russian"},   {"sv", "Swedish"},    {"tr", "Turkish"}, {"uk", "Ukrainian"},
      {"vi", "Vietnamese"}, {"zh", "Chinese"}};
  auto it = names.find(code.substr(0, code.find('-')));
  return it == names.end() ? "" : it->second;
}

std::string fill_placeholders(const std::string& text, const std::map<std::string, std::string>& values) {
  auto all = values;
  if (auto lang = values.find("language"); lang != values.end()) {
    bool code = looks_like_code(lang->second);
    std::string words = code ? language_in_words(lang->second) : "";
    // The code is given beside a name only; alone it stands in for the name.
    all.emplace("language_code", words.empty() ? "" : lang->second);
    if (words.empty())
      words = code ? "the language with ISO code \"" + lang->second + "\"" : "the language of the transcript";
    all.emplace("language_name", words);
  }
  all.emplace("transcript_label", "Transcript");
  return substitute(expand_sections(text, all), all);
}

}  // namespace td::summarize
