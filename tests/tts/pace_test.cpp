// Speech rates as a listener measures them: the script's words over the
// decoded MP3's length, every pause included. The settings (TTS_RATE...) are
// words per minute in that sense, whatever espeak's own rate parameter says.
#include <doctest/doctest.h>

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "mp3_decode.h"
#include "spoken_texts.h"
#include "tts/espeak_engine.h"
#include "tts/mp3.h"

using namespace td::tts;
using namespace td::tts::test;

namespace {

// Counted here, not with the engine's count_spoken_words, so the engine cannot
// agree with itself: whitespace-separated tokens with a letter in them
// (any byte above 0x7F is part of an accented letter in these texts).
int words_of(const std::string& text) {
  std::istringstream in(text);
  int n = 0;
  for (std::string token; in >> token;) {
    for (unsigned char c : token) {
      if (std::isalnum(c) || c >= 0x80) {
        ++n;
        break;
      }
    }
  }
  return n;
}

double measured_wpm(const std::string& script, const Mp3Audio& audio) {
  REQUIRE(validate_mp3(audio.bytes) == "");
  auto decoded = decode_mp3(audio.bytes);
  REQUIRE(decoded.seconds() > 0);
  CHECK(decoded.seconds() == doctest::Approx(audio.duration_seconds).epsilon(1e-6));
  return words_of(script) * 60.0 / decoded.seconds();
}

struct Script {
  const char* language;
  const char* text;
};

const Script kScripts[] = {{"en", kEnglishScript}, {"fr", kFrenchScript}, {"es", kSpanishScript}};

// Silent stretches of the decoded audio longer than `min_seconds`, in seconds.
std::vector<double> silences(const Decoded& d, double min_seconds) {
  std::vector<double> out;
  size_t run = 0;
  for (int16_t s : d.samples) {
    if (std::abs(int(s)) < 300) {
      ++run;
      continue;
    }
    if (run >= size_t(min_seconds * d.rate)) out.push_back(double(run) / d.rate);
    run = 0;
  }
  return out;
}

}  // namespace

TEST_CASE("every MP3 measures the words per minute its setting says, within 10%, in English, French and Spanish") {
  // The ends of the accepted range (80 is slower than espeak can speak
  // without pausing between words, 450 faster than its rate parameter
  // goes without libsonic), settings in between, and each level's default.
  for (const auto& script : kScripts) {
    CAPTURE(script.language);
    for (int wpm : {80, 120, 150, 250, 450}) {
      CAPTURE(wpm);
      EspeakOptions options;
      options.rate_plain = wpm;
      EspeakEngine engine{options};
      CHECK(measured_wpm(script.text, engine.synthesize(script.text, {script.language})) ==
            doctest::Approx(wpm).epsilon(0.10));
    }
    EspeakEngine defaults{EspeakOptions{}};
    for (auto level : {td::Level::none, td::Level::beginner, td::Level::intermediate, td::Level::advanced}) {
      int wpm = defaults.options().rate_for(level);
      CAPTURE(wpm);
      auto audio = defaults.synthesize(script.text, {script.language, level, ""});
      CHECK(measured_wpm(script.text, audio) == doctest::Approx(wpm).epsilon(0.10));
    }
  }
}

TEST_CASE("a script of much shorter words in the same voice is timed anew, not spoken at the last script's pace") {
  // espeak takes less time per word for short words: at its rate 175 this
  // text measures well over 200 words per minute.
  const std::string short_words =
      "We sat by the fire and the dog lay at our feet. It was cold out, but the room was warm and the tea was hot. "
      "Then the rain came, so we did not go for a walk. We read a book, we ate some bread, and we went to bed at ten.\n\n"
      "The next day the sun was out. We took the bus to the sea, swam for an hour and ran on the sand till dark.";
  EspeakEngine engine{EspeakOptions{}};
  engine.synthesize(kEnglishScript, {"en"});  // the pace that fits this text is now remembered
  CHECK(measured_wpm(short_words, engine.synthesize(short_words, {"en"})) == doctest::Approx(175).epsilon(0.10));
}

TEST_CASE("paragraphs are set apart by a longer pause than sentences, within the same words per minute") {
  std::string paragraphs = kEnglishScript;
  std::string one_paragraph;
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    bool blank_line = paragraphs.compare(i, 2, "\n\n") == 0;
    one_paragraph += blank_line ? ' ' : paragraphs[i];
    if (blank_line) ++i;
  }
  EspeakEngine engine{EspeakOptions{}};
  auto with_breaks = engine.synthesize(paragraphs, {"en"});
  auto without = engine.synthesize(one_paragraph, {"en"});
  // espeak pauses about 0.35 s after a sentence at this speed; a paragraph
  // adds 0.5 s. The audio's closing silence is not counted (no sound follows).
  auto long_pauses = [](const Mp3Audio& a) { return silences(decode_mp3(a.bytes), 0.65).size(); };
  CHECK(long_pauses(without) == 0);
  CHECK(long_pauses(with_breaks) == 2);
  CHECK(measured_wpm(paragraphs, with_breaks) == doctest::Approx(175).epsilon(0.10));
  CHECK(measured_wpm(one_paragraph, without) == doctest::Approx(175).epsilon(0.10));
}
