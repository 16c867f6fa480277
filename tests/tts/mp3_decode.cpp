#include "mp3_decode.h"

#include <mpg123.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace td::tts::test {

double Decoded::rms() const {
  if (samples.empty()) return 0;
  double sum = 0;
  for (int16_t s : samples) sum += double(s) * s;
  return std::sqrt(sum / samples.size());
}

namespace {

struct Source {
  const std::string* bytes;
  size_t pos = 0;
};

mpg123_ssize_t read_cb(void* handle, void* buf, size_t n) {
  auto* s = static_cast<Source*>(handle);
  size_t k = std::min(n, s->bytes->size() - s->pos);
  std::memcpy(buf, s->bytes->data() + s->pos, k);
  s->pos += k;
  return mpg123_ssize_t(k);
}

off_t seek_cb(void* handle, off_t offset, int whence) {
  auto* s = static_cast<Source*>(handle);
  off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? off_t(s->pos) : off_t(s->bytes->size());
  off_t to = base + offset;
  if (to < 0 || to > off_t(s->bytes->size())) return -1;
  s->pos = size_t(to);
  return to;
}

}  // namespace

Decoded decode_mp3(const std::string& bytes) {
  int err = MPG123_OK;
  std::unique_ptr<mpg123_handle, decltype(&mpg123_delete)> mh(mpg123_new(nullptr, &err), &mpg123_delete);
  if (!mh) throw std::runtime_error("mpg123_new failed");
  mpg123_param(mh.get(), MPG123_ADD_FLAGS, MPG123_QUIET | MPG123_GAPLESS, 0);
  mpg123_format_none(mh.get());
  const long* rates = nullptr;
  size_t nrates = 0;
  mpg123_rates(&rates, &nrates);
  for (size_t i = 0; i < nrates; ++i)
    mpg123_format(mh.get(), rates[i], MPG123_MONO | MPG123_STEREO, MPG123_ENC_SIGNED_16);
  Source src{&bytes};
  mpg123_replace_reader_handle(mh.get(), read_cb, seek_cb, nullptr);
  if (mpg123_open_handle(mh.get(), &src) != MPG123_OK)
    throw std::runtime_error(std::string("mpg123_open: ") + mpg123_strerror(mh.get()));
  Decoded d;
  std::vector<unsigned char> buf(1 << 16);
  for (;;) {
    size_t done = 0;
    int r = mpg123_read(mh.get(), buf.data(), buf.size(), &done);
    if (r == MPG123_NEW_FORMAT) {
      long rate = 0;
      int channels = 0, enc = 0;
      mpg123_getformat(mh.get(), &rate, &channels, &enc);
      d.rate = int(rate);
      d.channels = channels;
    }
    auto* s = reinterpret_cast<int16_t*>(buf.data());
    d.samples.insert(d.samples.end(), s, s + done / 2);
    if (r == MPG123_DONE) break;
    if (r != MPG123_OK && r != MPG123_NEW_FORMAT)
      throw std::runtime_error(std::string("mpg123_read: ") + mpg123_strerror(mh.get()));
  }
  mpg123_close(mh.get());
  return d;
}

}  // namespace td::tts::test
