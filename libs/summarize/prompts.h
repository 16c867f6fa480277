// Prompt files (prompts/<name>.v<N>.md, see prompts/README.md): found once,
// the highest version loaded, placeholders filled per request.
#pragma once

#include <map>
#include <string>

namespace td::summarize {

struct PromptTemplate {
  std::string version;  // "comprehensive.v1": stored with every output
  std::string system, user, strict;
};

// PROMPTS_DIR when set (empty counts as unset); else
// $TUBEDIGEST_SOURCE_DIR/prompts; else a prompts/ or share/tubedigest/prompts/
// folder next to or above the running executable (build/bin -> repo,
// /usr/local/bin -> /usr/local/share/tubedigest/prompts in the image); else
// the source tree's prompts/ as compiled in. Throws td::PermanentError
// ("prompts_missing") naming the places it looked when none exists.
std::string find_prompts_dir();

// The highest-versioned <name>.v<N>.md in dir. Throws td::PermanentError
// ("prompt_missing") when there is none or it lacks a system or user section.
PromptTemplate load_prompt(const std::string& dir, const std::string& name);

// Replaces every {{key}}; unknown placeholders are left as they are.
std::string fill_placeholders(std::string text, const std::map<std::string, std::string>& values);

}  // namespace td::summarize
