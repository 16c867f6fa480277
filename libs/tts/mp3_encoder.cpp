#include "tts/mp3_encoder.h"

#include <lame.h>

#include <stdexcept>
#include <vector>

namespace td::tts {

namespace {
lame_global_flags* G(void* p) { return static_cast<lame_global_flags*>(p); }
}  // namespace

bool valid_mp3_kbps(int sample_rate, int kbps) {
  if (sample_rate >= 32000) return kbps >= 32 && kbps <= 320;
  return kbps >= 8 && kbps <= 160;
}

Mp3Encoder::Mp3Encoder(int sample_rate, int kbps, int quality) {
  if (!valid_mp3_kbps(sample_rate, kbps)) {
    throw std::invalid_argument("MP3 bitrate " + std::to_string(kbps) + " kbit/s is not valid at " +
                                std::to_string(sample_rate) + " Hz (TTS_MP3_KBPS: 8..160 at 22050 Hz)");
  }
  lame_ = lame_init();
  if (!lame_) throw std::runtime_error("lame_init failed");
  lame_set_num_channels(G(lame_), 1);
  lame_set_in_samplerate(G(lame_), sample_rate);
  lame_set_out_samplerate(G(lame_), sample_rate);
  lame_set_mode(G(lame_), MONO);
  lame_set_VBR(G(lame_), vbr_abr);
  lame_set_VBR_mean_bitrate_kbps(G(lame_), kbps);
  lame_set_quality(G(lame_), quality);
  lame_set_bWriteVbrTag(G(lame_), 1);
  lame_set_write_id3tag_automatic(G(lame_), 0);
  if (lame_init_params(G(lame_)) < 0) {
    lame_close(G(lame_));
    lame_ = nullptr;
    throw std::runtime_error("lame_init_params refused " + std::to_string(sample_rate) + " Hz mono at " +
                             std::to_string(kbps) + " kbit/s");
  }
}

Mp3Encoder::~Mp3Encoder() {
  if (lame_) lame_close(G(lame_));
}

void Mp3Encoder::add(const int16_t* samples, size_t count) {
  if (finished_) throw std::logic_error("Mp3Encoder::add after finish");
  // LAME takes an int count; feed large buffers in slices.
  const size_t slice = 1 << 16;
  for (size_t done = 0; done < count; done += slice) {
    int n = int(std::min(slice, count - done));
    size_t before = out_.size();
    size_t room = size_t(n) * 5 / 4 + 7200;  // LAME's documented worst case
    out_.resize(before + room);
    int written = lame_encode_buffer(G(lame_), const_cast<short*>(samples + done), nullptr, n,
                                     reinterpret_cast<unsigned char*>(&out_[before]), int(room));
    if (written < 0) {
      out_.resize(before);
      throw std::runtime_error("lame_encode_buffer failed with code " + std::to_string(written));
    }
    out_.resize(before + size_t(written));
  }
  samples_ += count;
}

std::string Mp3Encoder::finish() {
  if (finished_) throw std::logic_error("Mp3Encoder::finish twice");
  finished_ = true;
  size_t before = out_.size();
  out_.resize(before + 7200);
  int written = lame_encode_flush(G(lame_), reinterpret_cast<unsigned char*>(&out_[before]), 7200);
  if (written < 0) throw std::runtime_error("lame_encode_flush failed with code " + std::to_string(written));
  out_.resize(before + size_t(written));
  // LAME reserved the first frame for the Info tag; now that the frame count
  // and padding are known, write it in place.
  unsigned char tag[2880];
  size_t n = lame_get_lametag_frame(G(lame_), tag, sizeof tag);
  if (n > 0 && n <= out_.size()) out_.replace(0, n, reinterpret_cast<const char*>(tag), n);
  return std::move(out_);
}

}  // namespace td::tts
