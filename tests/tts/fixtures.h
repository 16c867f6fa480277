// Shared test fixtures: real MP3 bytes from espeak + LAME, and sine-wave MP3s
// straight from the encoder.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "tts/espeak_engine.h"
#include "tts/mp3_encoder.h"

namespace td::tts::test {

inline Mp3Audio speak(const std::string& text, const std::string& language = "en", td::Level level = td::Level::none) {
  EspeakEngine engine{EspeakOptions{}};
  return engine.synthesize(text, SpeechRequest{language, level, ""});
}

inline std::string sine_mp3(int rate, double seconds, int kbps = 48) {
  Mp3Encoder enc(rate, kbps, 7);
  std::vector<int16_t> pcm(size_t(rate * seconds));
  for (size_t i = 0; i < pcm.size(); ++i) pcm[i] = int16_t(8000 * std::sin(2 * M_PI * 440.0 * double(i) / rate));
  enc.add(pcm.data(), pcm.size());
  return enc.finish();
}

inline size_t count_of(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace td::tts::test
