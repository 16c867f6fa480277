// The Summarizer seam: one call turns a transcript into the text of one
// variant. Implementations: ExtractiveSummarizer (offline, always available,
// the chain's last resort) and OpenAiSummarizer (any OpenAI-compatible API).
// The guardrail chain (chain.h) decides which output is accepted; a
// summarizer only produces text and says who made it.
//
// Failure: a summarizer throws td::PermanentError when this input can never
// work with it (auth refused, Apertium missing, no translation route) and
// td::TransientError for faults that may pass (provider down, timeout). Any
// other exception is a defect meeting this input and counts as permanent
// (classify_failure in chain.h). The chain records each and moves on to the
// next summarizer.
#pragma once

#include <string>
#include <vector>

#include "variants/variants.h"

namespace td::summarize {

class NotesStore;  // notes.h

struct Segment {
  double start_seconds = 0;
  std::string text;
  // Seconds at which each whitespace-separated word of text starts (auto
  // captions carry them); empty when unknown. The pauses they show are how
  // unpunctuated captions get their sentence boundaries back (punctuate.h).
  std::vector<double> word_starts;
};

struct SummaryInput {
  std::string text;               // the whole transcript; used when segments is empty
  std::vector<Segment> segments;  // caption segments with start times (preferred: they carry timing)
  std::string title;
  int duration_seconds = 0;               // 0 = unknown: estimated from the last segment or the word count
  std::string transcript_language;        // ISO code ("en"); "" = detect with cld2
  std::string summary_language = "auto";  // SUMMARY_LANGUAGE: "auto" = the transcript's language
  // Where this video's chunk notes are kept (notes.h), so every variant and
  // reprocess reads the same ones; null: made afresh by each call. Not owned.
  NotesStore* notes_store = nullptr;
};

struct Attempt {
  bool strict = false;                         // the re-run after a QA failure
  std::vector<std::string> previous_failures;  // "word_range: 120 words, expected 150-220", for strict prompts
};

// What one summarize() call cost at the provider (zero for offline ones).
// Tokens are the provider's own counts (the response's "usage"); 0 when it
// sends none.
struct Usage {
  int requests = 0;  // HTTP requests sent, retries included
  int prompt_tokens = 0;
  int completion_tokens = 0;
  int notes_made = 0;    // chunk notes asked of the provider
  int notes_reused = 0;  // chunk notes read from the NotesStore
};

struct SummaryOutput {
  std::string text;
  std::string language;            // what the summarizer meant to write (ISO code)
  std::string provider;            // "extractive", "openai"
  std::string model;               // LLM model, or the extractive algorithm's name
  std::string prompt_version;      // "comprehensive.v1"; "extractive.v1" for the extractive one
  std::string translated_by;       // "" or e.g. "apertium eng-spa>es-fr"
  std::vector<std::string> flags;  // "short_source", ...
  Usage usage;
};

class Summarizer {
 public:
  virtual ~Summarizer() = default;
  virtual std::string name() const = 0;  // "extractive", "openai": the names SUMMARIZER lists
  virtual SummaryOutput summarize(const SummaryInput& input, const Variant& variant, const Attempt& attempt) = 0;
};

// The whole transcript as one string (segments joined when present).
std::string transcript_text(const SummaryInput& input);
// The transcript language: input.transcript_language, else detected with cld2 ("" when cld2 cannot tell).
std::string source_language(const SummaryInput& input);
// The language the output of `variant` must be in: audio-fr/audio-es are fixed;
// the others follow summary_language, where "auto" means the source language.
std::string output_language(const SummaryInput& input, const Variant& variant);
// The duration used for word ranges: the given one, else the last segment's
// start, else the word count at 150 spoken words per minute.
int effective_duration(const SummaryInput& input);

}  // namespace td::summarize
