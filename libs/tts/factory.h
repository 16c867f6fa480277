// Builds the engine the environment asks for:
//   TTS_ENGINE   espeak (default) | openai
//   TTS_FALLBACK espeak | none (default none): wrap a non-espeak engine in a
//                FallbackEngine that speaks with espeak when it fails.
// Throws std::invalid_argument naming the variable for unknown values.
#pragma once

#include <memory>

#include "tts/engine.h"

namespace td::tts {

std::unique_ptr<TtsEngine> make_engine_from_env();

}  // namespace td::tts
