// QA checks: small named functions, listed per variant in its spec entry
// (spec.cpp). The guardrail chain runs them on every output; a failure sends
// the summarizer to a strict re-run, then the chain to the next summarizer.
// A new variant names its checks next to its spec; a new check is one
// function registered in qa.cpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "summarize/spec.h"

namespace td::summarize {

struct QaContext {
  const VariantSpec* spec = nullptr;
  Variant variant;
  Target target;
  std::string expected_language;  // ISO code; "" = do not check
  std::string text;
};

// nullopt = pass; otherwise a one-line reason ("143 words, expected 150-220").
using Check = std::function<std::optional<std::string>(const QaContext&)>;

struct QaFailure {
  std::string check;
  std::string reason;
  std::string describe() const { return check + ": " + reason; }
};

// Runs the spec's checks in order and returns every failure (empty = accepted).
// Throws std::invalid_argument for a check name without a function.
std::vector<QaFailure> run_checks(const QaContext& ctx);
const Check& check_named(const std::string& name);
std::vector<std::string> check_names();

// Shared by checks and tests: the parts of a formatted output.
struct BulletDoc {
  std::vector<std::string> bullets;        // marker removed
  std::optional<std::string> bottom_line;  // the text after the label
};
BulletDoc parse_bullets(const std::string& text);

struct Insight {
  std::string headline;
  std::string body;
};
std::vector<Insight> parse_insights(const std::string& text);

// The "Bottom line" label in a language (falls back to English).
std::string bottom_line_label(const std::string& language);
bool looks_like_refusal(const std::string& text);

}  // namespace td::summarize
