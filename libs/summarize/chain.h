// The guardrail chain: which summary gets stored.
//
// For each summarizer in SUMMARIZER order (e.g. "openai,extractive"):
//   1. run it; check the output with the variant's QA checks (qa.h);
//   2. on a QA failure, run it once more in strict mode (stricter prompt,
//      told what failed); check again;
//   3. on a second failure, or any exception, go to the next summarizer
//      (an exception skips the strict re-run: see classify_failure).
// "extractive" is always the last resort: appended when the list lacks it.
// When every summarizer failed and the last resort's output fell short only
// of the variant's shape (word_range, bullet_count, insight_count,
// sentence_length: the source has no more material of that kind), that
// output is kept, flagged "below_spec", with the failed checks under
// accepted.below_spec in the record.
// Every attempt (summarizer, strict flag, failed checks or error, time, and
// for an LLM answer its requests, tokens and chunk notes made or reused) goes
// into the guardrail record stored with the accepted output.
//
// Failure: when no summarizer produced an acceptable output, run() throws
// td::TransientError ("summary_failed") if any attempt failed in a way that
// may pass on a later try (classify_failure), else td::PermanentError
// ("summary_failed") with every attempt's reason in the message. The worker
// retries the first and sends the job to `dead` at once on the second, so a
// failure that the same input reproduces every time is never retried.
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "summarize/summarizer.h"

namespace td::summarize {

// Whether a summarizer's exception may pass on a later try of the same input.
//   transient: td::TransientError (provider down or rate limited, a timeout,
//              a helper process that crashed or timed out), std::bad_alloc
//              and std::system_error (the machine ran out of memory,
//              processes or descriptors);
//   permanent: td::PermanentError (bad input, auth refused, Apertium
//              missing), and every other exception: std::out_of_range,
//              std::logic_error, nlohmann::json errors and the like come from
//              our own code meeting this input, and the same input meets them
//              again on every attempt.
// reason is the error's reason(), "out_of_memory", "system_error" or
// "internal_error"; it goes into the attempt record.
struct FailureKind {
  bool permanent = true;
  std::string reason;
  std::string message;
};
FailureKind classify_failure(std::exception_ptr error);

struct ChainResult {
  SummaryOutput output;
  nlohmann::json
      guardrail;  // {"accepted": {...}, "attempts": [...], "flags": [...], "language": {...}, "word_count": n}
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
