// Turning an audio script into text a speech engine can read aloud.
//
// Scripts come from an LLM or a translator and may carry markdown, HTML,
// links, emoji and symbols. Engines would read those out ("asterisk",
// "left bracket") or choke on them, so every engine cleans first and
// splits long scripts at sentence boundaries for chunked synthesis.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace td::tts {

// Strips markdown/HTML markup, URLs, code blocks, emoji and characters
// outside the Latin, Greek and Cyrillic scripts; maps typographic quotes and
// dashes to plain ones; ends headings and list items with a full stop so the
// voice pauses; collapses whitespace into one line. Invalid UTF-8 bytes are
// dropped. Never throws for any input; the result may be empty.
std::string clean_script(std::string_view text);

// Words a speaker says, for speech rates (words per minute of these): runs of
// non-space characters holding a letter or digit code point ("l'été" and
// "sous-estiment" are one; a lone ":", "--" or "¿" none). A count of its own
// because summarize::count_words, the stored one that QA's ranges use, takes
// any non-ASCII byte for a letter (a lone "—" is a word there).
size_t count_spoken_words(std::string_view text);

// True when the text has at least one letter or digit to say.
bool has_speakable_text(std::string_view cleaned);

// Splits cleaned text into pieces of at most max_bytes bytes, at sentence
// ends when possible, else at clause punctuation, else at spaces, else at a
// UTF-8 character boundary. Pieces are trimmed and non-empty; joined with a
// space they give the input back (modulo whitespace).
std::vector<std::string> split_sentences(std::string_view cleaned, size_t max_bytes);

// Cleans, checks and splits in one go: throws td::PermanentError
// ("empty_script") when nothing speakable is left and ("script_too_long")
// when the raw script exceeds max_script_bytes.
std::vector<std::string> prepare_script(std::string_view script, size_t max_chunk_bytes, size_t max_script_bytes);

// prepare_script's chunks, grouped by paragraph: blank-line separated text,
// and each heading, list item and table row. A chunk never spans two, so a
// speaker can pause longer between paragraphs than between sentences.
// Joined with spaces the chunks give prepare_script's text (less any
// paragraph with nothing to say); the checks and errors are the same.
std::vector<std::vector<std::string>> prepare_paragraphs(std::string_view script, size_t max_chunk_bytes,
                                                         size_t max_script_bytes);

}  // namespace td::tts
