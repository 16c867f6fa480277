// The guardrail chain: which summary gets stored.
//
// For each summarizer in SUMMARIZER order (e.g. "openai,extractive"):
//   1. run it; check the output with the variant's QA checks (qa.h);
//   2. on a QA failure, run it once more in strict mode (stricter prompt,
//      told what failed); check again;
//   3. on a second failure, or any exception, go to the next summarizer.
// "extractive" is always the last resort: appended when the list lacks it.
// Every attempt (summarizer, strict flag, failed checks or error, time) goes
// into the guardrail record stored with the accepted output.
//
// Failure: when no summarizer produced an acceptable output, run() throws
// td::TransientError ("summary_failed") if any attempt failed in a way that
// may pass (provider down, timeout), else td::PermanentError ("summary_failed")
// with every attempt's reason in the message.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "summarize/summarizer.h"

namespace td::summarize {

struct ChainResult {
  SummaryOutput output;
  nlohmann::json guardrail;  // {"accepted": {...}, "attempts": [...], "flags": [...], "language": {...}, "word_count": n}
};

class GuardrailChain {
 public:
  explicit GuardrailChain(std::vector<std::shared_ptr<Summarizer>> summarizers);
  // record_on_failure, when given, receives the attempts even when run() throws.
  ChainResult run(const SummaryInput& input, const Variant& variant, nlohmann::json* record_on_failure = nullptr);
  std::vector<std::string> names() const;

 private:
  std::vector<std::shared_ptr<Summarizer>> summarizers_;
};

// Summarizers named in a SUMMARIZER value ("openai,extractive"); "openai" is
// configured from the environment (OpenAiConfig::from_env). Throws
// td::PermanentError ("config") for an unknown name or a missing setting.
std::vector<std::shared_ptr<Summarizer>> summarizers_from(const std::string& csv);
// GuardrailChain(summarizers_from(env SUMMARIZER, default "extractive")), and
// SUMMARY_LANGUAGE (default "auto") read by apply_summary_language().
GuardrailChain chain_from_env();
// Sets input.summary_language from SUMMARY_LANGUAGE.
void apply_summary_language(SummaryInput& input);

}  // namespace td::summarize
