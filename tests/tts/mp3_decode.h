// Test helper: decodes an MP3 with libmpg123 (an independent decoder, not
// our own frame walker) so tests check what a player would actually hear.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace td::tts::test {

struct Decoded {
  std::vector<int16_t> samples;  // interleaved when channels == 2
  int rate = 0;
  int channels = 0;
  double seconds() const { return rate > 0 && channels > 0 ? double(samples.size()) / channels / rate : 0; }
  double rms() const;
};

// Throws std::runtime_error when mpg123 reports an error.
Decoded decode_mp3(const std::string& bytes);

}  // namespace td::tts::test
