// The offline engine: libespeak-ng synthesizes PCM in memory, libmp3lame
// encodes it to a mono constant-bitrate MP3. No temp files, no processes.
#pragma once

#include <map>
#include <string>

#include "tts/engine.h"

namespace td::tts {

struct EspeakOptions {
  // Words per minute as a listener measures them: the script's words over the
  // MP3's length, pauses included (80..450). espeak's own rate setting is not
  // that, so each script is timed and paced to it (espeak_engine.cpp).
  // Beginners get clearly slower speech.
  int rate_plain = 175;         // TTS_RATE: the plain `audio` variant
  int rate_beginner = 125;      // TTS_RATE_BEGINNER
  int rate_intermediate = 155;  // TTS_RATE_INTERMEDIATE
  int rate_advanced = 180;      // TTS_RATE_ADVANCED
  int mp3_kbps = 48;            // TTS_MP3_KBPS (espeak speaks at 22050 Hz: 8..160)
  int lame_quality = 7;         // TTS_LAME_QUALITY, 0 best .. 9 fastest
  // Language -> espeak-ng voice name; TTS_ESPEAK_VOICE_<LANG> (EN, FR, ES,
  // DE, IT, PT, NL) overrides. The audio variants need en/fr/es; the others
  // cover plain `audio` for summaries written in those languages.
  std::map<std::string, std::string> voices{{"en", "en-us"}, {"fr", "fr"}, {"es", "es"}, {"de", "de"},
                                            {"it", "it"},    {"pt", "pt"}, {"nl", "nl"}};
  size_t chunk_bytes = 2000;             // text per espeak_Synth call
  size_t max_script_bytes = 512 * 1024;  // TTS_MAX_SCRIPT_BYTES

  // Throws std::invalid_argument naming the variable for a malformed value.
  static EspeakOptions from_env();
  int rate_for(td::Level level) const;
};

class EspeakEngine final : public TtsEngine {
 public:
  explicit EspeakEngine(EspeakOptions options = EspeakOptions::from_env());
  SpeechPlan plan(const SpeechRequest& request) const override;
  // Safe to call from several threads: espeak itself runs one call at a time
  // (see espeak_engine.cpp), the MP3 encoding runs in parallel.
  Mp3Audio synthesize(const std::string& script, const SpeechRequest& request) override;

  const EspeakOptions& options() const { return options_; }

 private:
  std::string voice_for(const SpeechRequest& request) const;
  EspeakOptions options_;
};

}  // namespace td::tts
