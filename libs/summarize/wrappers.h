// What chatty models wrap an answer in, and how it comes off.
//
// Local models (llama3, qwen, mistral, gemma) open with a preamble ("Sure!
// Here is the script:", "Voici le résumé :", "¡Claro! Aquí tienes los puntos
// clave:", "**Summary:**") and close with a sign-off ("I hope this helps!",
// "Let me know if…", "Espero que te sirva", "Word count: 312"), although the
// prompts ask for nothing else. Stored, they are read and spoken as part of
// the summary. OpenAiSummarizer runs strip_wrappers() on every answer before
// the QA checks; the no_chatter check (qa.cpp) rejects what is left, so a
// wrapper that is not at an edge is never stored.
//
// Conservative by construction: only whole first lines (a preamble) and whole
// last lines (a sign-off) are removed, at most a few of each, and a first line
// goes only when it ends with a colon and names the answer ("summary",
// "script", "points clés", "resumen"…), or is a bare "Sure!" / "Certainly!",
// or is a title line ("# Summary", "**Key insights:**"). A content sentence
// ("Here is a short summary of the video.") never ends with a colon and stays.
// Languages: English, French, Spanish (the variants), German, Portuguese,
// Italian (SUMMARY_LANGUAGE).
#pragma once

#include <string>
#include <vector>

namespace td::summarize {

struct Unwrapped {
  std::string text;
  std::vector<std::string> removed;  // the lines taken off, first to last
};

// The answer without its preamble and sign-off lines; text unchanged when
// there were none (whitespace inside the text is never touched).
Unwrapped strip_wrappers(const std::string& text);

// A line that introduces the answer: "Here are the bullet points:", "Sure!",
// "Voici le script :", "**Summary:**". Used by strip_wrappers on the first
// lines and by the no_chatter check on every line (there without the bare
// interjections and titles, which a speaker may say too).
bool is_preamble_line(const std::string& line, bool bare_and_titles = true);
// A line that talks to the user about the answer: "I hope this helps!",
// "Let me know if you need anything else.", "J'espère que cela vous aide.",
// "¡Espero que te sirva!", "(Word count: 312)". strong_only = only phrases no
// video summary contains (for the no_chatter check, which also runs on the
// extractive summarizer's sentences of the video).
bool is_sign_off_line(const std::string& line, bool strong_only = false);

}  // namespace td::summarize
