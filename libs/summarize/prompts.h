// Prompt files (prompts/<name>.v<N>.md, see prompts/README.md): found once,
// the highest version loaded, placeholders filled per request.
//
// Every rule QA enforces reaches the prompt through a placeholder, never as a
// number typed into the file, so a prompt cannot ask for one thing while QA
// rejects it for another (as a bullet prompt once did that never stated
// bullet-points' 100-330 words). Two kinds:
//   - the variant's own rules (words per bullet, headline words, per-level
//     sentence length, CEFR and glossary size) are filled by load_prompt from
//     the variant's spec entry (spec.h), see spec_placeholders();
//   - the request's (word range for the duration band, item counts, language,
//     title, level) by the caller through fill_placeholders.
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

// The highest-versioned <name>.v<N>.md in dir, with spec_placeholders() of
// the variant called `name` already filled (none for a name without a spec
// entry, such as chunk-notes). Throws td::PermanentError ("prompt_missing")
// when there is none or it lacks a system or user section.
PromptTemplate load_prompt(const std::string& dir, const std::string& name);

// The placeholders that depend only on the variant: {{max_item_words}},
// {{max_headline_words}}, and per level ({{beginner.cefr}},
// {{beginner.max_sentence_words}}, {{beginner.glossary_terms}}, the same for
// intermediate and advanced). Empty for a base without a spec entry.
std::map<std::string, std::string> spec_placeholders(const std::string& base);

// "French" for "fr"; "" for a code it does not know.
std::string language_in_words(const std::string& code);

// Fills a prompt section in one pass over `text` (a value is never scanned
// again, so a transcript quoting "{{title}}" stays as it is):
//   - {{key}} becomes values[key]; unknown placeholders are left as they are.
//   - [[...]] (within one line) keeps its text when every placeholder in it has
//     a non-empty value and drops it otherwise: `the video[[ "{{title}}"]]`
//     leaves an untitled video's title out rather than sending "".
//     [[key=value: ...]] and [[key!=value: ...]] keep their text only when
//     values[key] is (is not) value: the per-level rules of audio-fr/-es. A
//     line left blank by a dropped section is removed.
//   - Derived when the caller gives none: {{language_name}} (the language in
//     words, "English"; "the language of the transcript" when {{language}} is
//     no code), {{language_code}} ({{language}} when it is a code, else ""),
//     and {{transcript_label}} ("Transcript"; a caller that sends notes in
//     place of the transcript passes its own label).
std::string fill_placeholders(const std::string& text, const std::map<std::string, std::string>& values);

}  // namespace td::summarize
