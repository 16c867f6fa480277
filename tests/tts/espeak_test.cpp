#include <doctest/doctest.h>

#include <cstdlib>
#include <functional>
#include <thread>

#include "common/errors.h"
#include "fixtures.h"
#include "mp3_decode.h"
#include "tts/espeak_engine.h"
#include "tts/mp3.h"

using namespace td::tts;
using namespace td::tts::test;

namespace {

const char* kEnglish = "Good morning. Today we look at how small habits add up to large changes over a year.";
const char* kFrench = "Bonjour à tous. Aujourd'hui, nous parlons des petites habitudes qui changent une année entière.";
const char* kSpanish = "Buenos días a todos. Hoy hablamos de los pequeños hábitos que cambian un año entero.";

// The decoded MP3 must hold exactly the samples espeak produced (LAME's
// gapless header trims encoder delay and padding) and must not be silence.
void check_playable(const Mp3Audio& a) {
  CHECK(validate_mp3(a.bytes) == "");
  auto d = decode_mp3(a.bytes);
  CHECK(d.rate == a.sample_rate);
  CHECK(d.channels == 1);
  CHECK(double(d.samples.size()) == doctest::Approx(a.duration_seconds * a.sample_rate).epsilon(1e-9));
  CHECK(analyze_mp3(a.bytes).duration_seconds() == doctest::Approx(a.duration_seconds).epsilon(1e-9));
  CHECK(d.rms() > 500);
}

std::string reason_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const td::PermanentError& e) {
    return e.reason();
  }
  return "";
}

struct EnvVar {
  std::string name;
  EnvVar(const char* n, const char* v) : name(n) { setenv(n, v, 1); }
  ~EnvVar() { unsetenv(name.c_str()); }
};

}  // namespace

TEST_CASE("English, French and Spanish each come out as playable, non-silent speech of the reported length") {
  EspeakEngine engine{EspeakOptions{}};
  for (auto [lang, text] : {std::pair{"en", kEnglish}, {"fr", kFrench}, {"es", kSpanish}}) {
    CAPTURE(lang);
    auto a = engine.synthesize(text, {lang, td::Level::none, ""});
    CHECK(a.engine == "espeak");
    CHECK(a.voice == engine.plan({lang, td::Level::none, ""}).voice);
    CHECK(a.sample_rate == 22050);
    CHECK(a.duration_seconds > 3.0);
    CHECK(a.duration_seconds < 15.0);
    check_playable(a);
  }
}

TEST_CASE("beginner speech is noticeably slower than advanced speech for the same text") {
  EspeakEngine engine{EspeakOptions{}};
  auto slow = engine.synthesize(kFrench, {"fr", td::Level::beginner, ""});
  auto mid = engine.synthesize(kFrench, {"fr", td::Level::intermediate, ""});
  auto fast = engine.synthesize(kFrench, {"fr", td::Level::advanced, ""});
  CHECK(slow.duration_seconds > mid.duration_seconds);
  CHECK(mid.duration_seconds > fast.duration_seconds);
  CHECK(slow.duration_seconds > 1.25 * fast.duration_seconds);
  CHECK(slow.rate != fast.rate);
}

TEST_CASE("markup, links and emoji are not spoken: the audio matches the plain text's") {
  auto plain = speak("Hello world. This is the point.");
  auto messy = speak(
      "# Hello **world** 🌍🎉\n\n[This](https://example.com/a/very/long/path?with=query) is _the_ point 👍🏽 <b>.</b>");
  check_playable(messy);
  CHECK(messy.duration_seconds == doctest::Approx(plain.duration_seconds).epsilon(0.1));
}

TEST_CASE("empty and unspeakable scripts, and languages without a voice, are permanent errors") {
  EspeakEngine engine{EspeakOptions{}};
  CHECK(reason_of([&] { engine.synthesize("", {"en"}); }) == "empty_script");
  CHECK(reason_of([&] { engine.synthesize("🎉🎉🎉 ** https://x.org", {"en"}); }) == "empty_script");
  CHECK(reason_of([&] { engine.synthesize("Hallo Welt.", {"xx"}); }) == "no_voice");
  CHECK(reason_of([&] { engine.plan({"xx"}); }) == "no_voice");
  EspeakOptions missing;
  missing.voices["en"] = "no-such-voice-anywhere";
  EspeakEngine broken{missing};
  CHECK(reason_of([&] { broken.synthesize("Hello.", {"en"}); }) == "no_voice");
  // The engine is still usable after those failures.
  check_playable(engine.synthesize("Still working.", {"en"}));
}

TEST_CASE("a 100 KB script of mixed markup is synthesized in chunks into one valid MP3") {
  std::string script;
  const std::string paragraph =
      "## Section\n\nThe **economy** grew by 3% last year 📈, according to [the report](https://example.org/r). "
      "Analysts expect similar growth next year, although risks remain.\n\n- Inflation fell.\n- Jobs rose.\n\n";
  while (script.size() < 100 * 1024) script += paragraph;
  EspeakOptions fast;  // the fastest speech and encoder keep this test short
  fast.rate_plain = 450;
  fast.lame_quality = 9;
  fast.mp3_kbps = 24;
  EspeakEngine engine{fast};
  auto a = engine.synthesize(script, {"en"});
  CHECK(a.duration_seconds > 600);
  check_playable(a);

  EspeakOptions limited;
  limited.max_script_bytes = 50 * 1024;
  CHECK(reason_of([&] { EspeakEngine(limited).synthesize(script, {"en"}); }) == "script_too_long");
}

// espeak's output length varies by well under 1% between identical calls, so
// "the same audio" is checked to 3%: cross-talk between callers (a voice or
// rate switched mid-synthesis, PCM landing in the wrong buffer) shows up as
// differences of 10% and more. The engine times each script and remembers
// the pace that fitted per voice and rate, so every job has a voice and rate
// of its own and a first round settles their paces: after it, each call is
// spoken at its job's remembered pace at once, in either order.
TEST_CASE("concurrent callers get the same audio as serial ones (libespeak-ng is serialized)") {
  EspeakEngine engine{EspeakOptions{}};
  struct Job {
    std::string lang;
    const char* text;
    td::Level level;
  };
  std::vector<Job> jobs = {{"en", kEnglish, td::Level::advanced},
                           {"fr", kFrench, td::Level::advanced},
                           {"es", kSpanish, td::Level::advanced},
                           {"en", kFrench, td::Level::beginner}};
  auto run = [&](const Job& job) { return engine.synthesize(job.text, {job.lang, job.level, ""}); };
  for (auto& job : jobs) run(job);
  std::vector<double> serial;
  for (auto& job : jobs) serial.push_back(run(job).duration_seconds);
  std::vector<Mp3Audio> parallel(jobs.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < jobs.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 3; ++k) parallel[i] = run(jobs[i]);
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < jobs.size(); ++i) {
    CAPTURE(i);
    CHECK(parallel[i].duration_seconds == doctest::Approx(serial[i]).epsilon(0.03));
    CHECK(validate_mp3(parallel[i].bytes) == "");
  }
}

TEST_CASE("rates, bitrate and voices come from the environment, and bad values are refused") {
  {
    EnvVar a("TTS_RATE_BEGINNER", "100"), b("TTS_RATE", "200"), c("TTS_ESPEAK_VOICE_FR", "fr-be"),
        d("TTS_MP3_KBPS", "32");
    auto o = EspeakOptions::from_env();
    CHECK(o.rate_for(td::Level::beginner) == 100);
    CHECK(o.rate_for(td::Level::none) == 200);
    CHECK(o.rate_for(td::Level::advanced) == EspeakOptions{}.rate_advanced);
    CHECK(o.mp3_kbps == 32);
    EspeakEngine engine{o};
    CHECK(engine.plan({"fr", td::Level::beginner, ""}).voice == "fr-be");
    CHECK(engine.plan({"fr", td::Level::beginner, ""}).rate == "wpm=100;measured");
  }
  {
    EnvVar a("TTS_RATE_ADVANCED", "fast");
    CHECK_THROWS_AS(EspeakOptions::from_env(), std::invalid_argument);
  }
  {
    EnvVar a("TTS_RATE_ADVANCED", "1000");
    CHECK_THROWS_AS(EspeakOptions::from_env(), std::invalid_argument);
  }
  {
    EnvVar a("TTS_MP3_KBPS", "512");
    CHECK_THROWS_AS(EspeakOptions::from_env(), std::invalid_argument);
  }
}
