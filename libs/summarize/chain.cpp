#include "summarize/chain.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/env.h"
#include "common/errors.h"
#include "summarize/extractive.h"
#include "summarize/language.h"
#include "summarize/openai.h"
#include "summarize/qa.h"
#include "summarize/spec.h"
#include "summarize/text.h"

namespace td::summarize {

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
      } catch (const std::exception& e) {
        // An exception is about the provider, not the text: a strict re-run
        // would meet the same fault, so the next summarizer gets its turn.
        bool permanent = dynamic_cast<const td::PermanentError*>(&e) != nullptr;
        std::string reason = "error";
        if (auto* p = dynamic_cast<const td::PermanentError*>(&e)) reason = p->reason();
        if (auto* t = dynamic_cast<const td::TransientError*>(&e)) reason = t->reason();
        any_transient = any_transient || !permanent;
        entry["ok"] = false;
        entry["error"] = e.what();
        entry["reason"] = reason;
        entry["permanent"] = permanent;
        entry["ms"] = elapsed();
        record["attempts"].push_back(entry);
        append_sep(reasons, "; ", summarizer->name() + (attempt.strict ? " (strict)" : "") + ": " + e.what());
        spdlog::warn("summarizer failed summarizer={} variant={} strict={} reason={} error={}", summarizer->name(),
                     variant.name(), attempt.strict, reason, e.what());
        break;
      }
      QaContext ctx{&spec, variant, target, expected, out.text};
      auto failures = run_checks(ctx);
      entry["ms"] = elapsed();
      entry["provider"] = out.provider;
      entry["model"] = out.model;
      entry["prompt_version"] = out.prompt_version;
      if (!out.translated_by.empty()) entry["translated_by"] = out.translated_by;
      if (failures.empty()) {
        entry["ok"] = true;
        record["attempts"].push_back(entry);
        auto d = detect_language(out.text);
        record["language"]["detected"] = d.code;
        record["language"]["reliable"] = d.reliable;
        record["accepted"] = {{"summarizer", summarizer->name()}, {"strict", attempt.strict}};
        std::vector<std::string> flags = out.flags;
        if (target.short_source && std::find(flags.begin(), flags.end(), "short_source") == flags.end())
          flags.push_back("short_source");
        out.flags = flags;
        record["flags"] = flags;
        record["word_count"] = count_words(out.text);
        return {out, record};
      }
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

GuardrailChain chain_from_env() { return GuardrailChain(summarizers_from(td::env::get_or("SUMMARIZER", "extractive"))); }

void apply_summary_language(SummaryInput& input) { input.summary_language = td::env::get_or("SUMMARY_LANGUAGE", "auto"); }

}  // namespace td::summarize
