#include "tts/factory.h"

#include <stdexcept>

#include "common/env.h"
#include "tts/espeak_engine.h"
#include "tts/fallback_engine.h"
#include "tts/openai_engine.h"

namespace td::tts {

std::unique_ptr<TtsEngine> make_engine_from_env() {
  std::string name = td::env::get_or("TTS_ENGINE", "espeak");
  std::string fallback = td::env::get_or("TTS_FALLBACK", "none");
  if (fallback != "none" && fallback != "espeak") {
    throw std::invalid_argument("TTS_FALLBACK='" + fallback + "' is not one of: espeak, none");
  }
  if (name == "espeak") return std::make_unique<EspeakEngine>(EspeakOptions::from_env());
  if (name != "openai") throw std::invalid_argument("TTS_ENGINE='" + name + "' is not one of: espeak, openai");
  auto primary = std::make_unique<OpenAiSpeechEngine>(OpenAiSpeechOptions::from_env());
  if (fallback == "espeak") {
    return std::make_unique<FallbackEngine>(std::move(primary),
                                            std::make_unique<EspeakEngine>(EspeakOptions::from_env()));
  }
  return primary;
}

}  // namespace td::tts
