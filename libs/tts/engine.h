// Text-to-speech engines: an audio script in, one playable MP3 out.
//
// Callers (the tts service) first ask plan() which engine, voice and rate a
// request would use, hash that with the script (reuse_hash in hash.h) and look
// for a stored MP3 with the same hash; only when none exists do they call
// synthesize(). synthesize() either returns a complete, validated MP3 or
// throws: td::PermanentError for scripts or languages that can never work
// (reason "empty_script", "script_too_long", "no_voice", "tts_auth", ...),
// td::TransientError (or another exception) for faults worth retrying. It
// never returns a partial file.
#pragma once

#include <string>

#include "variants/variants.h"

namespace td::tts {

struct SpeechRequest {
  SpeechRequest() = default;
  SpeechRequest(std::string lang, td::Level lvl = td::Level::none, std::string voice_override = {})
      : language(std::move(lang)), level(lvl), voice(std::move(voice_override)) {}
  std::string language = "en";        // "en", "fr", "es"
  td::Level level = td::Level::none;  // none = the plain `audio` variant
  std::string voice;                  // optional override of the engine's voice for the language
};

// What an engine would use for a request; part of the reuse hash.
struct SpeechPlan {
  std::string engine;  // "espeak", "openai:tts-1"
  std::string voice;   // "en-us", "alloy"
  std::string rate;    // "wpm=160", "speed=1.00"
};

struct Mp3Audio {
  std::string bytes;  // a complete MP3 stream (starts with an Info/Xing frame)
  double duration_seconds = 0;
  std::string engine;
  std::string voice;
  std::string rate;
  int sample_rate = 0;
  SpeechPlan plan() const { return {engine, voice, rate}; }
};

class TtsEngine {
 public:
  virtual ~TtsEngine() = default;
  // Cheap and side-effect free; throws td::PermanentError("no_voice") when the
  // language can never be spoken by this engine.
  virtual SpeechPlan plan(const SpeechRequest& request) const = 0;
  virtual Mp3Audio synthesize(const std::string& script, const SpeechRequest& request) = 0;
};

}  // namespace td::tts
