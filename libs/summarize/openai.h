// Summaries from any OpenAI-compatible chat API (OpenAI, OpenRouter,
// Ollama, llama.cpp server): POST {LLM_BASE_URL}/chat/completions.
//
// Faults, per call: 429 waits for Retry-After (capped) then retries; 5xx,
// 408 and transport errors (including LLM_TIMEOUT passing) retry with capped
// exponential backoff up to max_attempts, then td::TransientError
// ("llm_unavailable"); 401/403 throw td::PermanentError ("llm_auth") at once,
// other 4xx td::PermanentError ("llm_request"); a 2xx body that is not the
// expected JSON throws td::TransientError ("llm_malformed") with a snippet.
// An answer cut off by max_tokens (finish_reason "length") throws
// td::PermanentError ("truncated"): its end is missing, so it is never
// stored; the chain records the reason and the next summarizer (extractive)
// writes the summary. The same prompt meets the same budget again, hence
// permanent. Every answer also loses its chatty preamble and sign-off
// (wrappers.h) before the QA checks see it.
//
// Transcripts above chunk_tokens are map-reduced: each chunk becomes notes
// (prompts/chunk-notes), and the variant prompt runs on the joined notes, so
// a 3-hour video fits a small context window. Notes are written in the
// transcript's language whatever the variant, keyed by what they depend on
// (notes.h), and kept in input.notes_store: every variant and reprocess of a
// video reads the same notes, and only the reduce step runs per variant.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/backoff.h"
#include "summarize/summarizer.h"

namespace td::summarize {

struct OpenAiConfig {
  std::string base_url;  // LLM_BASE_URL, e.g. "http://127.0.0.1:11434/v1"
  std::string api_key;   // LLM_API_KEY; empty = no Authorization header (local servers)
  std::string model;     // LLM_MODEL
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};                  // LLM_TIMEOUT, per request
  int max_attempts = 4;                                                          // LLM_MAX_ATTEMPTS, per request
  td::Backoff backoff{std::chrono::seconds(1), std::chrono::seconds(30), 0.25};  // LLM_RETRY_BASE / LLM_RETRY_CAP
  std::chrono::milliseconds max_retry_after{std::chrono::seconds(120)};          // longer Retry-After: give up instead
  int chunk_tokens = 6000;   // LLM_CHUNK_TOKENS: transcript budget per request (~4 characters a token)
  double temperature = 0.2;  // LLM_TEMPERATURE
  std::string prompts_dir;   // PROMPTS_DIR; "" = find_prompts_dir()
  // LLM_MAX_TOKENS: -1 (unset) = sized per request by max_tokens_for(); 0 =
  // send no max_tokens (the provider's default); n > 0 = n for every request
  // (models that think before answering spend their <think> block from it).
  int max_tokens = -1;

  // Throws td::PermanentError ("llm_config") when LLM_BASE_URL or LLM_MODEL is unset.
  static OpenAiConfig from_env();
};

class OpenAiSummarizer final : public Summarizer {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;

  // `sleep` lets tests observe waits; the default really sleeps.
  explicit OpenAiSummarizer(OpenAiConfig config, Sleeper sleep = {});
  std::string name() const override { return "openai"; }
  SummaryOutput summarize(const SummaryInput& input, const Variant& variant, const Attempt& attempt) override;

  // One chat completion with the retry policy above; returns the message
  // content. max_tokens > 0 is sent as the answer's budget; finish_reason
  // "length" throws td::PermanentError ("truncated").
  std::string complete(const std::string& system, const std::string& user, int max_tokens = 0);
  // Totals since construction (the benchmarks read them); each
  // SummaryOutput carries its own call's share in usage.
  int requests_sent() const { return usage_.requests; }
  const Usage& usage() const { return usage_; }

 private:
  int budget(int max_words, const std::string& language) const;  // the max_tokens to send
  std::string notes_for(const SummaryInput& input, const std::string& transcript);
  std::string answering_model() const { return last_model_.empty() ? config_.model : last_model_; }
  OpenAiConfig config_;
  Sleeper sleep_;
  std::string dir_;
  std::string last_model_;
  Usage usage_;
};

// Removes what models wrap answers in: <think> blocks and ``` fences.
std::string clean_model_text(std::string text);

// The max_tokens for an answer of at most max_words words in language (ISO
// code; "" = unknown): 2 tokens a word in English, 3 in other languages, plus
// 256. BPE tokenizers (llama 3, qwen, mistral, gpt-4o) take about 1.3 tokens
// per English word and 1.5-2 per French, Spanish, German, Portuguese or
// Italian word; bullet markers, bold headlines and line breaks add a few
// more. The margin means an answer within its word range is never cut: the
// budget stops a model that runs on, it does not set the length (the prompt
// and the word_range check do).
int max_tokens_for(int max_words, const std::string& language);

}  // namespace td::summarize
