#include <doctest/doctest.h>

#include "summarize/language.h"
#include "summarize/prompts.h"
#include "summarize/qa.h"
#include "summarize/spec.h"
#include "summarize/text.h"

#include "test_text.h"

using namespace td::summarize;

namespace {

QaContext ctx_for(const std::string& variant, const std::string& text, int duration = 1200, int source_words = 9000,
                  const std::string& lang = "en") {
  auto v = td::parse_variant(variant);
  return QaContext{&spec_for(v), v, target_for(spec_for(v), v, duration, source_words), lang, text};
}

bool failed(const std::vector<QaFailure>& f, const std::string& check) {
  for (auto& x : f)
    if (x.check == check) return true;
  return false;
}

const char* kSentences[] = {"Solar panels became much cheaper during the last ten years.",
                            "Batteries now store the midday surplus for the evening peak.",
                            "Offshore wind farms produce steady power during the winter months.",
                            "The grid needs new transmission lines to move renewable power.",
                            "Heat pumps heat homes efficiently even in cold climates.",
                            "Electric cars are getting cheaper than petrol cars over their lifetime.",
                            "Green hydrogen only makes sense for heavy industry and shipping.",
                            "Nuclear plants provide steady low carbon electricity to many grids.",
                            "Electricity markets were designed for plants that burn fuel.",
                            "Recycling can recover most of the valuable metals in old batteries.",
                            "Insulation is the cheapest way to cut heating bills and emissions.",
                            "Developing countries could skip fossil fuels with cheap solar mini grids.",
                            "Planning rules slow down new wind projects in many countries.",
                            "Smart meters help families move their consumption to cheaper hours.",
                            "Factories can electrify most of their low temperature process heat.",
                            "Mining for lithium and copper must grow quickly to meet demand."};

}  // namespace

std::string english_words(int n) {
  std::string out;
  int words = 0;
  for (size_t i = 0; words < n; ++i) {
    std::string s = kSentences[i % 16];
    if (i >= 16)
      s = "Also, in part " + std::to_string(i / 16 + 1) + ", " + std::string(1, std::tolower(s[0])) + s.substr(1);
    append_sep(out, " ", s);
    words = count_words(out);
  }
  return out;
}

TEST_CASE("every variant of the vocabulary has a spec, valid checks and a prompt file") {
  auto dir = find_prompts_dir();
  for (const char* name : {"comprehensive", "bullet-points", "key-insights", "audio", "audio-fr", "audio-es"}) {
    CAPTURE(name);
    const auto& spec = spec_for(name);
    CHECK(spec.base == name);
    CHECK_FALSE(spec.bands.empty());
    CHECK(spec.bands.back().up_to_seconds == INT_MAX);
    for (auto& c : spec.checks) CHECK_NOTHROW(check_named(c));
    auto prompt = load_prompt(dir, name);
    CHECK(prompt.version == std::string(name) + ".v2");
    CHECK_FALSE(prompt.strict.empty());
    CHECK(prompt.user.find("{{transcript}}") != std::string::npos);
  }
  CHECK_THROWS_AS(spec_for("podcast"), std::invalid_argument);
}

TEST_CASE("comprehensive word ranges follow the video duration") {
  auto& s = spec_for("comprehensive");
  CHECK(band_for(s, 300).words.min == 150);
  CHECK(band_for(s, 300).words.max == 220);
  CHECK(band_for(s, 1200).words.min == 220);
  CHECK(band_for(s, 1200).words.max == 350);
  CHECK(band_for(s, 7200).words.min == 350);
  CHECK(band_for(s, 7200).words.max == 500);
}

TEST_CASE("a transcript too short for the range relaxes it and flags short_source") {
  auto v = td::parse_variant("audio");
  auto full = target_for(spec_for(v), v, 3600, 9000);
  CHECK_FALSE(full.short_source);
  CHECK(full.words.min == 180);
  auto small = target_for(spec_for(v), v, 120, 300);
  CHECK(small.short_source);
  CHECK(small.words.max <= 300 * kMaxSourceShare + 1);
  CHECK(small.words.min < 180);
  auto b = td::parse_variant("bullet-points");
  auto bt = target_for(spec_for(b), b, 120, 240);
  CHECK(bt.short_source);
  CHECK(bt.min_items < 10);
  CHECK(bt.min_items >= 2);
}

TEST_CASE("word_range, not_empty and no_refusal checks") {
  CHECK(run_checks(ctx_for("comprehensive", english_words(260))).empty());
  auto shortf = run_checks(ctx_for("comprehensive", english_words(100)));
  CHECK(failed(shortf, "word_range"));
  auto longf = run_checks(ctx_for("comprehensive", english_words(400)));
  CHECK(failed(longf, "word_range"));
  auto empty = run_checks(ctx_for("comprehensive", "  \n "));
  REQUIRE(empty.size() == 1);
  CHECK(empty[0].check == "not_empty");
  CHECK(looks_like_refusal("I'm sorry, but I cannot summarize this video because no transcript was given."));
  CHECK(looks_like_refusal("As an AI language model, I do not watch videos."));
  CHECK_FALSE(looks_like_refusal(english_words(120) + " I'm sorry, he said."));
}

TEST_CASE("bullet checks: count, length and bottom line") {
  std::string good;
  for (int i = 0; i < 12; ++i) good += std::string("- ") + kSentences[i] + "\n";
  good += "\nBottom line: the energy transition is mostly a question of building fast.";
  CHECK(run_checks(ctx_for("bullet-points", good)).empty());

  std::string few;
  for (int i = 0; i < 6; ++i) few += std::string("- ") + kSentences[i] + "\n";
  few += "Bottom line: too few bullets here.";
  auto f = run_checks(ctx_for("bullet-points", few));
  CHECK(failed(f, "bullet_count"));

  std::string longb = good;
  longb.insert(
      0,
      "- This bullet is far too long because it keeps going with many words well past the limit of eighteen words.\n");
  CHECK(failed(run_checks(ctx_for("bullet-points", longb)), "bullet_length"));

  std::string nobottom;
  for (int i = 0; i < 12; ++i) nobottom += std::string("- ") + kSentences[i] + "\n";
  CHECK(failed(run_checks(ctx_for("bullet-points", nobottom)), "bottom_line"));
  // Localized labels count as a bottom line too.
  CHECK(parse_bullets("- a b c\n\nEn résumé : tout va bien.").bottom_line.has_value());
  CHECK(parse_bullets("- a b c\n\n**Bottom line:** fine.").bottom_line.value() == "fine.");
}

TEST_CASE("insight checks: count and headline format") {
  std::string good;
  for (int i = 0; i < 6; ++i)
    good += std::string("**Point number ") + std::to_string(i + 1) + "**: " + kSentences[i] + " " + kSentences[i + 6] +
            "\n\n";
  auto ins = parse_insights(good);
  REQUIRE(ins.size() == 6);
  CHECK(ins[0].headline == "Point number 1");
  CHECK(run_checks(ctx_for("key-insights", good)).empty());
  std::string bad =
      "**This headline is much too long for a key insight headline**: " + std::string(kSentences[0]) + "\n";
  for (int i = 1; i < 6; ++i) bad += std::string("**Short**: ") + kSentences[i] + "\n";
  CHECK(failed(run_checks(ctx_for("key-insights", bad)), "insight_format"));
  std::string three = good + "**Extra**: " + kSentences[1] + " " + kSentences[2] + " " + kSentences[3] + "\n";
  CHECK(failed(run_checks(ctx_for("key-insights", three)), "insight_format"));
}

TEST_CASE("audio scripts must be plain speech") {
  std::string script = english_words(250);
  CHECK(run_checks(ctx_for("audio", script)).empty());
  CHECK(failed(run_checks(ctx_for("audio", script + "\n\n- a bullet line here")), "plain_speech"));
  CHECK(failed(run_checks(ctx_for("audio", script + " See https://example.com for more.")), "plain_speech"));
  CHECK(failed(run_checks(ctx_for("audio", "**Intro** " + script)), "plain_speech"));
  CHECK(failed(run_checks(ctx_for("audio", "# Title\n" + script)), "plain_speech"));
}

TEST_CASE("repetition used as padding is refused") {
  std::string padded = english_words(120) + " " + english_words(120);
  CHECK(failed(run_checks(ctx_for("comprehensive", padded)), "no_repetition"));
}

TEST_CASE("cld2 detects English, French and Spanish and the language check uses it") {
  auto en = detect_language(english_words(80));
  CHECK(en.code == "en");
  CHECK(en.reliable);
  auto fr = detect_language(
      "Le prix des panneaux solaires a beaucoup baissé depuis dix ans, et les batteries "
      "stockent maintenant l'énergie produite à midi pour la soirée.");
  CHECK(fr.code == "fr");
  auto es = detect_language(
      "El precio de los paneles solares ha bajado mucho en los últimos diez años y las "
      "baterías guardan ahora la energía del mediodía para la noche.");
  CHECK(es.code == "es");
  CHECK(detect_language("").code.empty());
  auto f = run_checks(ctx_for("comprehensive", english_words(260), 1200, 9000, "fr"));
  CHECK(failed(f, "language"));
}
