#include "summarize/chain.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <new>
#include <optional>
#include <set>
#include <system_error>

#include "common/env.h"
#include "common/errors.h"
#include "summarize/extractive.h"
#include "summarize/language.h"
#include "summarize/openai.h"
#include "summarize/qa.h"
#include "summarize/spec.h"
#include "summarize/text.h"

namespace td::summarize {

FailureKind classify_failure(std::exception_ptr error) {
  // A bug (an exception no summarizer meant) would fail the same way again.
  auto e = td::describe_error(error, {"internal_error", "unknown exception", true});
  return {e.permanent, e.reason, e.message};
}

namespace {

// Checks about how much there is, not what it says: a failure of only
// these means the text is sound and the source had no more to give.
bool only_shape_failures(const std::vector<QaFailure>& failures) {
  static const std::set<std::string> shape = {"word_range", "bullet_count", "insight_count", "sentence_length"};
  return std::all_of(failures.begin(), failures.end(), [](const QaFailure& f) { return shape.count(f.check) > 0; });
}

}  // namespace

GuardrailChain::GuardrailChain(std::vector<std::shared_ptr<Summarizer>> summarizers)
    : summarizers_(std::move(summarizers)) {
  bool has_extractive = false;
  for (auto& s : summarizers_) has_extractive = has_extractive || s->name() == "extractive";
  if (!has_extractive) summarizers_.push_back(std::make_shared<ExtractiveSummarizer>());
}

std::vector<std::string> GuardrailChain::names() const {
  std::vector<std::string> out;
  for (auto& s : summarizers_) out.push_back(s->name());
  return out;
}

ChainResult GuardrailChain::run(const SummaryInput& raw_input, const Variant& variant, nlohmann::json* record_out) {
  // Detect the transcript language once, not in every summarizer.
  SummaryInput input = raw_input;
  std::string transcript = transcript_text(input);
  Detection detected_source;
  if (input.transcript_language.empty()) {
    detected_source = detect_language(transcript);
    input.transcript_language = detected_source.code;
  }
  const auto& spec = spec_for(variant);
  std::string expected = output_language(input, variant);
  Target target = target_for(spec, variant, effective_duration(input), count_words(transcript));

  nlohmann::json record = {{"variant", variant.name()},
                           {"language", {{"transcript", input.transcript_language}, {"expected", expected}}},
                           {"attempts", nlohmann::json::array()}};
  bool any_transient = false;
  std::string reasons;

  // The output kept, and how the record says so.
  auto accept = [&](SummaryOutput out, const std::string& by, bool strict, const std::vector<QaFailure>& shape) {
    auto d = detect_language(out.text);
    record["language"]["detected"] = d.code;
    record["language"]["reliable"] = d.reliable;
    record["accepted"] = {{"summarizer", by}, {"strict", strict}};
    std::vector<std::string> flags = out.flags;
    auto flag = [&](const char* f) {
      if (std::find(flags.begin(), flags.end(), f) == flags.end()) flags.push_back(f);
    };
    if (target.short_source) flag("short_source");
    if (!shape.empty()) {
      flag("below_spec");
      record["accepted"]["below_spec"] = nlohmann::json::array();
      for (auto& f : shape) record["accepted"]["below_spec"].push_back({{"check", f.check}, {"reason", f.reason}});
    }
    out.flags = flags;
    record["flags"] = flags;
    record["word_count"] = count_words(out.text);
    return ChainResult{out, record};
  };
  struct Fallback {
    SummaryOutput out;
    bool strict = false;
    std::vector<QaFailure> failures;
  };
  std::optional<Fallback> below_spec;

  for (auto& summarizer : summarizers_) {
    Attempt attempt;
    for (int pass = 0; pass < 2; ++pass) {
      attempt.strict = pass == 1;
      nlohmann::json entry = {{"summarizer", summarizer->name()}, {"strict", attempt.strict}};
      auto started = std::chrono::steady_clock::now();
      auto elapsed = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
            .count();
      };
      SummaryOutput out;
      try {
        out = summarizer->summarize(input, variant, attempt);
      } catch (...) {
        // An exception is about the provider or our own code, not the
        // wording: a strict re-run would meet the same fault, so the next
        // summarizer gets its turn at once.
        auto failure = classify_failure(std::current_exception());
        any_transient = any_transient || !failure.permanent;
        entry["ok"] = false;
        entry["error"] = failure.message;
        entry["reason"] = failure.reason;
        entry["permanent"] = failure.permanent;
        entry["ms"] = elapsed();
        record["attempts"].push_back(entry);
        append_sep(reasons, "; ", summarizer->name() + (attempt.strict ? " (strict)" : "") + ": " + failure.message);
        spdlog::warn("summarizer failed summarizer={} variant={} strict={} reason={} permanent={} error={}",
                     summarizer->name(), variant.name(), attempt.strict, failure.reason, failure.permanent,
                     failure.message);
        break;
      }
      QaContext ctx{&spec, variant, target, expected, out.text};
      auto failures = run_checks(ctx);
      entry["ms"] = elapsed();
      entry["provider"] = out.provider;
      entry["model"] = out.model;
      entry["prompt_version"] = out.prompt_version;
      if (!out.translated_by.empty()) entry["translated_by"] = out.translated_by;
      if (out.usage.requests > 0 || out.usage.notes_reused > 0)
        entry["llm"] = {{"requests", out.usage.requests},
                        {"prompt_tokens", out.usage.prompt_tokens},
                        {"completion_tokens", out.usage.completion_tokens},
                        {"notes_made", out.usage.notes_made},
                        {"notes_reused", out.usage.notes_reused}};
      if (failures.empty()) {
        entry["ok"] = true;
        record["attempts"].push_back(entry);
        return accept(std::move(out), summarizer->name(), attempt.strict, {});
      }
      bool last_resort = &summarizer == &summarizers_.back();
      if (last_resort && !below_spec && only_shape_failures(failures)) below_spec = {out, attempt.strict, failures};
      entry["ok"] = false;
      entry["failed"] = nlohmann::json::array();
      for (auto& f : failures) {
        entry["failed"].push_back({{"check", f.check}, {"reason", f.reason}});
        attempt.previous_failures.push_back(f.describe());
      }
      record["attempts"].push_back(entry);
      std::string why;
      for (auto& f : failures) append_sep(why, ", ", f.describe());
      append_sep(reasons, "; ", summarizer->name() + (attempt.strict ? " (strict)" : "") + ": " + why);
      spdlog::info("summary rejected summarizer={} variant={} strict={} failed=\"{}\"", summarizer->name(),
                   variant.name(), attempt.strict, why);
    }
  }
  if (below_spec) {
    // The last resort wrote whole sentences of the video that fall short of
    // the variant's shape only (fewer words, bullets or insights than the
    // range, or longer sentences than a learner's level): the source holds
    // no more material of that kind (a speaker of 40-word sentences has no
    // 18-word bullets). Better that, flagged, than no summary at all.
    std::string why;
    for (auto& f : below_spec->failures) append_sep(why, ", ", f.describe());
    spdlog::warn("summary kept below its spec summarizer={} variant={} failed=\"{}\"", summarizers_.back()->name(),
                 variant.name(), why);
    return accept(std::move(below_spec->out), summarizers_.back()->name(), below_spec->strict, below_spec->failures);
  }
  if (record_out) *record_out = record;
  std::string message = "no summarizer produced an acceptable " + variant.name() + ": " + reasons;
  if (any_transient) throw td::TransientError("summary_failed", message);
  throw td::PermanentError("summary_failed", message);
}

std::vector<std::shared_ptr<Summarizer>> summarizers_from(const std::string& csv) {
  std::vector<std::shared_ptr<Summarizer>> out;
  size_t start = 0;
  while (start <= csv.size()) {
    size_t comma = csv.find(',', start);
    if (comma == std::string::npos) comma = csv.size();
    std::string name = trim(csv.substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) continue;
    if (name == "extractive") out.push_back(std::make_shared<ExtractiveSummarizer>());
    else if (name == "openai") out.push_back(std::make_shared<OpenAiSummarizer>(OpenAiConfig::from_env()));
    else
      throw td::PermanentError("config", "unknown summarizer '" + name + "' in SUMMARIZER; known: openai, extractive");
  }
  return out;
}

GuardrailChain chain_from_env() {
  return GuardrailChain(summarizers_from(td::env::get_or("SUMMARIZER", "extractive")));
}

void apply_summary_language(SummaryInput& input) {
  input.summary_language = td::env::get_or("SUMMARY_LANGUAGE", "auto");
}

}  // namespace td::summarize
