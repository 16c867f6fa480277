#include "summarize/spec.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace td::summarize {

namespace {

constexpr int kTenMinutes = 600;
constexpr int kThirtyMinutes = 1800;

std::vector<VariantSpec> build() {
  std::vector<VariantSpec> specs;

  VariantSpec comprehensive;
  comprehensive.base = "comprehensive";
  comprehensive.format = Format::prose;
  comprehensive.bands = {{kTenMinutes, {150, 220}, 0}, {kThirtyMinutes, {220, 350}, 0}, {INT_MAX, {350, 500}, 0}};
  comprehensive.checks = {"not_empty",  "no_refusal",   "no_chatter",   "language",
                          "word_range", "prose_markup", "no_repetition"};
  comprehensive.description = "a prose summary in paragraphs";
  specs.push_back(comprehensive);

  VariantSpec bullets;
  bullets.base = "bullet-points";
  bullets.format = Format::bullets;
  // 10-16 bullets of at most 18 words plus one bottom-line sentence.
  bullets.bands = {{kTenMinutes, {100, 330}, 10}, {kThirtyMinutes, {100, 330}, 12}, {INT_MAX, {100, 330}, 14}};
  bullets.min_items = 10;
  bullets.max_items = 16;
  bullets.max_item_words = 18;
  bullets.bottom_line = true;
  bullets.checks = {"not_empty",     "no_refusal",   "no_chatter",    "language",    "word_range",
                    "bullet_markup", "bullet_count", "bullet_length", "bottom_line", "no_repetition"};
  bullets.description = "10-16 bullets of at most 18 words each, then a one-sentence bottom line";
  specs.push_back(bullets);

  VariantSpec insights;
  insights.base = "key-insights";
  insights.format = Format::insights;
  insights.bands = {{kTenMinutes, {100, 450}, 5}, {kThirtyMinutes, {100, 450}, 6}, {INT_MAX, {100, 450}, 8}};
  insights.min_items = 5;
  insights.max_items = 8;
  insights.max_headline_words = 8;
  insights.checks = {"not_empty",      "no_refusal",    "no_chatter",     "language",     "word_range",
                     "insight_markup", "insight_count", "insight_format", "no_repetition"};
  insights.description = "5-8 insights, each a bold short headline plus one or two sentences";
  specs.push_back(insights);

  VariantSpec audio;
  audio.base = "audio";
  audio.format = Format::script;
  audio.bands = {{INT_MAX, {180, 380}, 0}};
  audio.checks = {"not_empty", "no_refusal", "no_chatter", "language", "word_range", "plain_speech", "no_repetition"};
  audio.description = "a spoken-style script with no markdown, no bullets and no URLs";
  specs.push_back(audio);

  for (const char* base : {"audio-fr", "audio-es"}) {
    VariantSpec learn = audio;
    learn.base = base;
    learn.fixed_language = true;
    learn.beginner = {"A2-B1", 8, 12};
    learn.intermediate = {"B1-B2", 6, 18};
    learn.advanced = {"C1", 0, 0};
    learn.checks.push_back("sentence_length");
    learn.description = "a spoken-style script for language learners, with a short glossary at the end";
    specs.push_back(learn);
  }
  return specs;
}

}  // namespace

const std::vector<VariantSpec>& all_specs() {
  static const std::vector<VariantSpec> specs = build();
  return specs;
}

const VariantSpec& spec_for(const std::string& base) {
  for (auto& s : all_specs())
    if (s.base == base) return s;
  throw std::invalid_argument("no summary spec for variant '" + base + "'");
}

const DurationBand& band_for(const VariantSpec& spec, int duration_seconds) {
  for (auto& b : spec.bands)
    if (duration_seconds < b.up_to_seconds) return b;
  return spec.bands.back();
}

LevelRule level_rule(const VariantSpec& spec, const Variant& variant) {
  switch (variant.effective_level()) {
    case Level::beginner: return spec.beginner;
    case Level::intermediate: return spec.intermediate;
    case Level::advanced: return spec.advanced;
    case Level::none: break;
  }
  return {};
}

Target target_for(const VariantSpec& spec, const Variant& variant, int duration_seconds, int source_words) {
  const auto& band = band_for(spec, duration_seconds);
  Target t;
  t.words = band.words;
  t.min_items = spec.min_items;
  t.max_items = spec.max_items;
  t.target_items = band.target_items;
  t.source_words = source_words;
  (void)variant;
  int usable = static_cast<int>(std::floor(source_words * kMaxSourceShare));
  if (usable < t.words.min) {
    // Too little to say: accept anything from a third of the usable share up
    // to that share, and scale the item counts down in proportion.
    t.short_source = true;
    double scale = std::max(0.0, static_cast<double>(usable) / t.words.min);
    t.words.max = std::min(t.words.max, std::max(usable, 30));
    t.words.min = std::min(t.words.min, std::max(10, usable / 3));
    if (spec.min_items > 0) {
      // As many items as the shrunken word budget holds: a typical bullet is
      // about 14 words (at most 18), an insight with its headline about 30,
      // and a bottom line takes one more bullet's worth. Scaling the count
      // by words alone asked a 270-word speech for 8 bullets in 89 words.
      int per_item = spec.max_item_words > 0 ? 14 : 30;
      int reserve = spec.bottom_line ? 16 : 0;
      int fits = std::max(1, (t.words.max - reserve) / per_item);
      t.min_items = std::max(1, static_cast<int>(std::floor(spec.min_items * scale)));
      t.min_items = std::min({t.min_items, spec.min_items, fits});
      t.target_items =
          std::clamp(static_cast<int>(std::round(band.target_items * scale)), t.min_items, std::max(t.min_items, fits));
    }
  }
  return t;
}

}  // namespace td::summarize
