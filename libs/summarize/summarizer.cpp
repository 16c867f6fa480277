#include "summarize/summarizer.h"

#include "summarize/language.h"
#include "summarize/text.h"

namespace td::summarize {

std::string transcript_text(const SummaryInput& input) {
  if (input.segments.empty()) return input.text;
  std::string out;
  for (auto& s : input.segments) {
    if (!out.empty()) out += ' ';
    out += s.text;
  }
  return out;
}

std::string source_language(const SummaryInput& input) {
  if (!input.transcript_language.empty()) return input.transcript_language;
  return detect_language(transcript_text(input)).code;
}

std::string output_language(const SummaryInput& input, const Variant& variant) {
  auto fixed = variant.target_language();
  if (!fixed.empty()) return fixed;
  if (!input.summary_language.empty() && input.summary_language != "auto") return input.summary_language;
  return source_language(input);
}

int effective_duration(const SummaryInput& input) {
  if (input.duration_seconds > 0) return input.duration_seconds;
  if (!input.segments.empty() && input.segments.back().start_seconds > 0)
    return static_cast<int>(input.segments.back().start_seconds) + 5;
  return count_words(transcript_text(input)) * 60 / 150;
}

}  // namespace td::summarize
