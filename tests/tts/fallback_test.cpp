#include <doctest/doctest.h>

#include <cstdlib>

#include "common/errors.h"
#include "mock_speech.h"
#include "mp3_decode.h"
#include "tts/espeak_engine.h"
#include "tts/factory.h"
#include "tts/fallback_engine.h"
#include "tts/openai_engine.h"

using namespace td::tts;
using namespace td::tts::test;

namespace {

// An engine that fails the way it is told to and counts its calls.
class FailingEngine final : public TtsEngine {
 public:
  enum Kind { transient, permanent };
  FailingEngine(Kind kind, int* calls) : kind_(kind), calls_(calls) {}
  SpeechPlan plan(const SpeechRequest&) const override { return {"failing", "v", "r"}; }
  Mp3Audio synthesize(const std::string&, const SpeechRequest&) override {
    ++*calls_;
    if (kind_ == permanent) throw td::PermanentError("tts_auth", "failing engine: bad key");
    throw td::TransientError("tts_unavailable", "failing engine: down");
  }

 private:
  Kind kind_;
  int* calls_;
};

struct EnvVar {
  std::string name;
  EnvVar(const char* n, const char* v) : name(n) { setenv(n, v, 1); }
  ~EnvVar() { unsetenv(name.c_str()); }
};

}  // namespace

TEST_CASE("an openai server refusing our key falls back to espeak, and the audio says which engine spoke") {
  MockSpeechServer server([](int, const httplib::Request&, httplib::Response& res) { res.status = 401; });
  OpenAiSpeechOptions o;
  o.base_url = server.base_url();
  o.sleep = [](std::chrono::milliseconds) {};
  FallbackEngine engine(std::make_unique<OpenAiSpeechEngine>(o), std::make_unique<EspeakEngine>(EspeakOptions{}));
  CHECK(engine.plan({"es"}).engine == "openai:tts-1");
  auto audio = engine.synthesize("Hola, esto es una prueba.", {"es"});
  CHECK(audio.engine == "espeak");
  CHECK(audio.voice == "es");
  CHECK(decode_mp3(audio.bytes).rms() > 500);
  CHECK(server.seen().size() == 1);
}

TEST_CASE("empty scripts are not retried on the fallback") {
  int calls = 0;
  FallbackEngine engine(std::make_unique<EspeakEngine>(EspeakOptions{}),
                        std::make_unique<FailingEngine>(FailingEngine::transient, &calls));
  CHECK_THROWS_AS(engine.synthesize("   ", {"en"}), td::PermanentError);
  CHECK(calls == 0);
}

TEST_CASE("when both engines fail the error carries both messages and is transient if either failure was") {
  int a = 0, b = 0;
  FallbackEngine mixed(std::make_unique<FailingEngine>(FailingEngine::transient, &a),
                       std::make_unique<FailingEngine>(FailingEngine::permanent, &b));
  try {
    mixed.synthesize("Hello.", {"en"});
    FAIL("expected an error");
  } catch (const td::TransientError& e) {
    CHECK(std::string(e.what()).find("down") != std::string::npos);
    CHECK(std::string(e.what()).find("bad key") != std::string::npos);
  }
  FallbackEngine both(std::make_unique<FailingEngine>(FailingEngine::permanent, &a),
                      std::make_unique<FailingEngine>(FailingEngine::permanent, &b));
  CHECK_THROWS_AS(both.synthesize("Hello.", {"en"}), td::PermanentError);
  CHECK(a == 2);
  CHECK(b == 2);
}

TEST_CASE("the factory builds what TTS_ENGINE and TTS_FALLBACK ask for") {
  {
    auto e = make_engine_from_env();
    CHECK(dynamic_cast<EspeakEngine*>(e.get()) != nullptr);
  }
  {
    EnvVar a("TTS_ENGINE", "openai"), b("TTS_BASE_URL", "http://127.0.0.1:9/v1"), c("TTS_MODEL", "kokoro"),
        d("TTS_VOICE_FR", "ff_siwis");
    auto e = make_engine_from_env();
    CHECK(dynamic_cast<OpenAiSpeechEngine*>(e.get()) != nullptr);
    CHECK(e->plan({"fr"}).voice == "ff_siwis");
    CHECK(e->plan({"fr"}).engine == "openai:kokoro");
    EnvVar f("TTS_FALLBACK", "espeak");
    auto fb = make_engine_from_env();
    CHECK(dynamic_cast<FallbackEngine*>(fb.get()) != nullptr);
  }
  {
    EnvVar a("TTS_ENGINE", "festival");
    CHECK_THROWS_AS(make_engine_from_env(), std::invalid_argument);
  }
  {
    EnvVar a("TTS_FALLBACK", "sapi");
    CHECK_THROWS_AS(make_engine_from_env(), std::invalid_argument);
  }
}
