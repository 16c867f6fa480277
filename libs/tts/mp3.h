// MPEG audio (Layer III) stream utilities: walking frames, duration,
// validation and joining.
//
// The openai engine receives one MP3 per script chunk; join_mp3 turns them
// into one stream a player can seek in and whose total duration it shows
// correctly. Every MP3 that leaves this library has been walked by
// analyze_mp3 end to end, so a truncated or HTML body is caught here rather
// than stored.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace td::tts {

// What is wrong with a byte string that should have been an MP3.
class Mp3Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FrameHeader {
  int version = 1;  // 1 = MPEG-1, 2 = MPEG-2, 25 = MPEG-2.5
  int bitrate_kbps = 0;
  int sample_rate = 0;
  int channels = 1;
  int channel_mode = 3;  // 0 stereo, 1 joint, 2 dual, 3 mono
  int samples = 1152;    // PCM samples per channel in the frame
  bool crc = false;
  size_t size = 0;  // bytes, header included
};

// Parses a Layer III frame header; nullopt when the 4 bytes are not one
// (free-format bitrate and Layers I/II are refused).
std::optional<FrameHeader> parse_frame_header(const unsigned char* p, size_t available);

// An Xing/Info (LAME) or VBRI header found in the first frame.
struct Mp3HeaderFrame {
  std::string tag;                 // "Xing", "Info" or "VBRI"
  std::optional<uint32_t> frames;  // audio frames, header frame excluded
  std::optional<uint32_t> bytes;   // stream bytes, header frame included
  bool has_toc = false;
  int encoder_delay = 0;  // from a LAME extension, else 0
  int encoder_padding = 0;
};

struct Mp3Info {
  size_t id3v2_bytes = 0;                // leading ID3v2 tag(s)
  size_t audio_begin = 0;                // first frame (the header frame if any)
  size_t audio_end = 0;                  // end of the last frame
  size_t frames = 0;                     // audio frames (header frame excluded)
  std::optional<Mp3HeaderFrame> header;  // Xing/Info/VBRI frame, if the stream has one
  int version = 1;
  int sample_rate = 0;
  int channels = 0;
  int samples_per_frame = 0;
  bool constant_bitrate = true;
  int bitrate_kbps = 0;  // of the first audio frame
  // Frame-exact length: frames * samples_per_frame / sample_rate.
  double frames_seconds() const;
  // What a gapless player plays: LAME encoder delay and padding removed.
  double duration_seconds() const;
};

// Walks the whole stream. Throws Mp3Error naming the first problem: empty,
// HTML/JSON/text instead of audio, no frame sync, a broken or truncated frame,
// junk between frames, sample rate or channels changing mid-stream.
Mp3Info analyze_mp3(std::string_view bytes);

// The same checks without throwing: "" when valid, else the reason.
std::string validate_mp3(std::string_view bytes);

// Concatenates MP3 parts into one stream: ID3 tags and the parts' own
// Xing/Info/VBRI frames are dropped, the audio frames are copied untouched,
// and one new Info (constant bitrate) or Xing (variable) frame with the total
// frame count, byte count and a seek table goes in front. Parts must share
// MPEG version, sample rate and channel count: re-encoding would need a
// decoder in the service and cost quality, and a speech server that changes
// format between requests is misconfigured, so the mismatch is reported
// (Mp3Error) instead. The parts' encoder delay and padding are kept as
// audio, so each join point, at a sentence boundary, carries one part's
// padding plus the next one's encoder delay as extra silence: up to 2,300
// samples, about 95 ms at 22.05 kHz as measured, 50 ms at 44.1 kHz.
std::string join_mp3(const std::vector<std::string>& parts);

}  // namespace td::tts
