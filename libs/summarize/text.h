// Small text helpers shared by the extractive summarizer and the QA checks.
// Byte-oriented UTF-8: any byte >= 0x80 counts as part of a word, so accented
// Latin text (French, Spanish) is handled; only Latin-1 capitals are folded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace td::summarize {

std::string trim(std::string_view s);
// Whitespace-separated tokens.
std::vector<std::string> split_words(std::string_view text);
// Tokens that carry at least one letter or digit ("-", ">>" and "**" do not
// count; any byte >= 0x80 is taken as a letter). The product's one word count:
// word ranges are checked with it, and it fills both summaries.word_count and
// transcripts.word_count. Speech pacing counts otherwise (tts::count_spoken_words).
int count_words(std::string_view text);
bool is_word_token(std::string_view token);

std::string lower(std::string_view s);
// Uppercases the first letter when it is ASCII or a Latin-1 lowercase letter.
std::string capitalize_first(std::string s);
// A token with surrounding punctuation (ASCII and common UTF-8 quotes/dashes) removed.
std::string strip_punct(std::string_view token);
// Lowercased, punctuation-stripped, lightly stemmed: the key for term statistics.
std::string term_key(std::string_view token, const std::string& language);
bool is_stopword(const std::string& lowered, const std::string& language);

// Sentences of finished text: split after . ! ? when followed by whitespace.
std::vector<std::string> split_sentences(std::string_view text);
bool contains_url(std::string_view text);
// Lines of text, trimmed, empty ones dropped.
std::vector<std::string> nonempty_lines(std::string_view text);
// Appends piece to out, with sep first when out is not empty.
void append_sep(std::string& out, std::string_view sep, std::string_view piece);

}  // namespace td::summarize
