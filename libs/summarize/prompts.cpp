#include "summarize/prompts.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include "common/env.h"
#include "common/errors.h"
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
  t.system = trim(t.system);
  t.user = trim(t.user);
  t.strict = trim(t.strict);
  if (t.system.empty() || t.user.empty())
    throw td::PermanentError("prompt_missing", best_path.string() + " needs '## system' and '## user' sections");
  return t;
}

std::string fill_placeholders(std::string text, const std::map<std::string, std::string>& values) {
  for (auto& [key, value] : values) {
    std::string tag = "{{" + key + "}}";
    for (size_t p = text.find(tag); p != std::string::npos; p = text.find(tag, p + value.size()))
      text.replace(p, tag.size(), value);
  }
  return text;
}

}  // namespace td::summarize
