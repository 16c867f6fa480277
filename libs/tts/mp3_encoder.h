// Mono 16-bit PCM -> MP3 with libmp3lame, in memory.
//
// The stream starts with a LAME Xing frame carrying the frame count, a seek
// table and the encoder delay/padding, so gapless decoders (mpg123, browsers)
// play exactly the samples that went in and players show the exact duration.
// It is average bitrate (ABR at `kbps`), not constant: LAME writes that tag
// frame at the stream's own bitrate for CBR and silently drops it when it
// does not fit, which is the case for speech settings (22050 Hz at 48 kbit/s
// or less); for ABR it uses a 64 kbit/s frame, which always fits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace td::tts {

// Average bitrates (kbit/s) that make sense for a mono stream at `sample_rate`.
bool valid_mp3_kbps(int sample_rate, int kbps);

class Mp3Encoder {
 public:
  // quality: LAME's 0 (best, slowest) .. 9 (worst, fastest). Throws
  // std::invalid_argument for a bitrate the sample rate cannot carry and
  // std::runtime_error when LAME refuses its parameters.
  Mp3Encoder(int sample_rate, int kbps, int quality = 7);
  ~Mp3Encoder();
  Mp3Encoder(const Mp3Encoder&) = delete;
  Mp3Encoder& operator=(const Mp3Encoder&) = delete;

  void add(const int16_t* samples, size_t count);
  // Flushes and returns the whole stream; the encoder cannot be used after.
  std::string finish();
  uint64_t samples() const { return samples_; }

 private:
  void* lame_ = nullptr;  // lame_global_flags*, kept out of the header
  std::string out_;
  uint64_t samples_ = 0;
  bool finished_ = false;
};

}  // namespace td::tts
