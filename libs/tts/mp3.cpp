#include "tts/mp3.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace td::tts {

namespace {

const int kBitratesV1[16] = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1};
const int kBitratesV2[16] = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1};
const int kRatesV1[3] = {44100, 48000, 32000};
const int kRatesV2[3] = {22050, 24000, 16000};
const int kRatesV25[3] = {11025, 12000, 8000};

// Frames must chain this many times before leading bytes are accepted as junk
// in front of the audio rather than audio-looking bytes inside junk.
constexpr int kSyncChain = 3;
constexpr size_t kMaxLeadingJunk = 64 * 1024;

uint32_t be32(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void put_be32(std::string& s, size_t at, uint32_t v) {
  s[at] = char(v >> 24);
  s[at + 1] = char(v >> 16);
  s[at + 2] = char(v >> 8);
  s[at + 3] = char(v);
}

const unsigned char* u(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

size_t side_info_bytes(const FrameHeader& h) {
  if (h.version == 1) return h.channels == 1 ? 17 : 32;
  return h.channels == 1 ? 9 : 17;
}

size_t frame_bytes(int version, int kbps, int rate, bool padding) {
  size_t coef = version == 1 ? 144 : 72;
  return coef * size_t(kbps) * 1000 / size_t(rate) + (padding ? 1 : 0);
}

// Size of an ID3v2 tag starting at p, or 0 when there is none.
size_t id3v2_size(const unsigned char* p, size_t available) {
  if (available < 10 || std::memcmp(p, "ID3", 3) != 0) return 0;
  if ((p[6] | p[7] | p[8] | p[9]) & 0x80) return 0;  // sizes are syncsafe
  size_t size = (size_t(p[6]) << 21) | (size_t(p[7]) << 14) | (size_t(p[8]) << 7) | size_t(p[9]);
  return 10 + size + ((p[5] & 0x10) ? 10 : 0);
}

// A printable excerpt of the first bytes, for error messages.
std::string excerpt(std::string_view bytes, size_t at = 0) {
  std::string out;
  for (size_t i = at; i < bytes.size() && out.size() < 40; ++i) {
    unsigned char c = bytes[i];
    out += (c >= 0x20 && c < 0x7f) ? char(c) : '.';
  }
  return out;
}

// Names what a body is when it is not MPEG audio at all.
std::string describe_non_mp3(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[i]))) ++i;
  if (i < bytes.size() && bytes[i] == '<') return "HTML/XML text instead of MP3 audio: '" + excerpt(bytes, i) + "'";
  if (i < bytes.size() && (bytes[i] == '{' || bytes[i] == '['))
    return "JSON text instead of MP3 audio: '" + excerpt(bytes, i) + "'";
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), "RIFF", 4) == 0) return "a RIFF/WAV file instead of MP3 audio";
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), "OggS", 4) == 0) return "an Ogg file instead of MP3 audio";
  size_t printable = 0, n = std::min<size_t>(bytes.size(), 512);
  for (size_t k = 0; k < n; ++k) {
    unsigned char c = bytes[k];
    if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t') ++printable;
  }
  if (n > 0 && printable * 10 >= n * 9) return "text instead of MP3 audio: '" + excerpt(bytes) + "'";
  return "no MPEG audio frame found (first bytes '" + excerpt(bytes) + "')";
}

std::optional<Mp3HeaderFrame> read_header_frame(const unsigned char* f, const FrameHeader& h) {
  size_t xing_at = 4 + side_info_bytes(h);
  for (size_t at : {xing_at, xing_at + 2}) {
    if (at + 8 > h.size) continue;
    const unsigned char* p = f + at;
    if (std::memcmp(p, "Xing", 4) != 0 && std::memcmp(p, "Info", 4) != 0) continue;
    Mp3HeaderFrame x;
    x.tag.assign(reinterpret_cast<const char*>(p), 4);
    uint32_t flags = be32(p + 4);
    size_t q = at + 8;
    if ((flags & 1) && q + 4 <= h.size) {
      x.frames = be32(f + q);
      q += 4;
    }
    if ((flags & 2) && q + 4 <= h.size) {
      x.bytes = be32(f + q);
      q += 4;
    }
    if ((flags & 4) && q + 100 <= h.size) {
      x.has_toc = true;
      q += 100;
    }
    if (flags & 8) q += 4;
    // LAME extension (also written by ffmpeg as "Lavc"/"Lavf"): delay and
    // padding are 12 bits each at byte 21 of the extension.
    if (q + 24 <= h.size && (std::memcmp(f + q, "LAME", 4) == 0 || std::memcmp(f + q, "Lav", 3) == 0)) {
      const unsigned char* d = f + q + 21;
      x.encoder_delay = (d[0] << 4) | (d[1] >> 4);
      x.encoder_padding = ((d[1] & 0x0f) << 8) | d[2];
    }
    return x;
  }
  if (36 + 18 <= h.size && std::memcmp(f + 36, "VBRI", 4) == 0) {
    Mp3HeaderFrame x;
    x.tag = "VBRI";
    x.bytes = be32(f + 36 + 10);
    x.frames = be32(f + 36 + 14);
    return x;
  }
  return std::nullopt;
}

struct Walk {
  Mp3Info info;
  size_t first_audio = 0;       // offset of the first audio frame
  std::vector<size_t> offsets;  // audio frame offsets (only when asked)
  int bitrate_index = -1;       // shared by all audio frames, else -1
  unsigned char mode_byte = 0;  // 4th header byte of the first frame
};

// True when kSyncChain frames chain from `at` (or the stream ends cleanly).
bool chains(const unsigned char* p, size_t end, size_t at) {
  auto first = parse_frame_header(p + at, end - at);
  if (!first) return false;
  size_t pos = at;
  for (int i = 0; i < kSyncChain; ++i) {
    auto h = parse_frame_header(p + pos, end - pos);
    if (!h || h->sample_rate != first->sample_rate || h->channels != first->channels) return false;
    if (pos + h->size >= end) return pos + h->size == end || i > 0;
    pos += h->size;
  }
  return true;
}

Walk walk(std::string_view bytes, bool keep_offsets) {
  if (bytes.empty()) throw Mp3Error("empty body instead of MP3 audio");
  const unsigned char* p = u(bytes);
  const size_t end = bytes.size();
  Walk w;
  size_t pos = 0;
  while (size_t tag = id3v2_size(p + pos, end - pos)) {
    if (pos + tag > end)
      throw Mp3Error("truncated MP3: ID3v2 tag claims " + std::to_string(tag) + " bytes, only " +
                     std::to_string(end - pos) + " present");
    pos += tag;
  }
  w.info.id3v2_bytes = pos;
  size_t scan_end = std::min(end, pos + kMaxLeadingJunk);
  size_t start = pos;
  while (start < scan_end && !(p[start] == 0xFF && chains(p, end, start))) ++start;
  if (start >= scan_end) {
    if (pos == end) throw Mp3Error("an ID3 tag and no MPEG audio frames");
    throw Mp3Error(pos == 0 ? describe_non_mp3(bytes) : "no MPEG audio frame after the ID3 tag");
  }
  w.info.audio_begin = start;
  pos = start;
  std::optional<FrameHeader> first;
  bool constant = true;
  size_t n = 0;  // frames walked, header frame included
  while (pos < end) {
    size_t left = end - pos;
    if (first && left == 128 && std::memcmp(p + pos, "TAG", 3) == 0) break;     // ID3v1
    if (first && left >= 8 && std::memcmp(p + pos, "APETAGEX", 8) == 0) break;  // APEv2
    if (first && left >= 10 && id3v2_size(p + pos, left) == left) break;        // appended ID3v2
    if (first && left >= 11 && std::memcmp(p + pos, "LYRICSBEGIN", 11) == 0) break;
    auto h = parse_frame_header(p + pos, left);
    if (!h) {
      if (left < 4)
        throw Mp3Error("truncated MP3: " + std::to_string(left) + " stray bytes after frame " + std::to_string(n) +
                       " at byte " + std::to_string(pos));
      throw Mp3Error("broken MP3: no valid frame header at byte " + std::to_string(pos) + " (after " +
                     std::to_string(n) + " frames)");
    }
    if (h->size > left) {
      throw Mp3Error("truncated MP3: frame " + std::to_string(n + 1) + " at byte " + std::to_string(pos) + " needs " +
                     std::to_string(h->size) + " bytes, only " + std::to_string(left) + " left");
    }
    if (!first) {
      first = h;
      w.mode_byte = p[pos + 3];
      w.info.version = h->version;
      w.info.sample_rate = h->sample_rate;
      w.info.channels = h->channels;
      w.info.samples_per_frame = h->samples;
      w.info.header = read_header_frame(p + pos, *h);
      if (w.info.header) {
        pos += h->size;
        ++n;
        continue;
      }
    } else if (h->sample_rate != first->sample_rate || h->channels != first->channels || h->version != first->version) {
      throw Mp3Error("broken MP3: format changes at byte " + std::to_string(pos) + " (" +
                     std::to_string(h->sample_rate) + " Hz, " + std::to_string(h->channels) + " ch after " +
                     std::to_string(first->sample_rate) + " Hz, " + std::to_string(first->channels) + " ch)");
    }
    int index = (p[pos + 2] >> 4) & 0x0f;
    if (w.info.frames == 0) {
      w.first_audio = pos;
      w.bitrate_index = index;
      w.info.bitrate_kbps = h->bitrate_kbps;
    } else if (index != w.bitrate_index) {
      constant = false;
    }
    if (keep_offsets) w.offsets.push_back(pos);
    ++w.info.frames;
    ++n;
    pos += h->size;
  }
  if (w.info.frames == 0) throw Mp3Error("MP3 has a header frame but no audio frames");
  w.info.audio_end = pos;
  w.info.constant_bitrate = constant;
  if (!constant) w.bitrate_index = -1;
  return w;
}

}  // namespace

std::optional<FrameHeader> parse_frame_header(const unsigned char* p, size_t available) {
  if (available < 4 || p[0] != 0xFF || (p[1] & 0xE0) != 0xE0) return std::nullopt;
  int version_bits = (p[1] >> 3) & 3;
  int layer_bits = (p[1] >> 1) & 3;
  int bitrate_index = (p[2] >> 4) & 0x0f;
  int rate_index = (p[2] >> 2) & 3;
  if (version_bits == 1 || layer_bits != 1 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3)
    return std::nullopt;
  FrameHeader h;
  h.version = version_bits == 3 ? 1 : version_bits == 2 ? 2 : 25;
  h.bitrate_kbps = h.version == 1 ? kBitratesV1[bitrate_index] : kBitratesV2[bitrate_index];
  h.sample_rate = h.version == 1 ? kRatesV1[rate_index] : h.version == 2 ? kRatesV2[rate_index] : kRatesV25[rate_index];
  h.crc = (p[1] & 1) == 0;
  h.channel_mode = (p[3] >> 6) & 3;
  h.channels = h.channel_mode == 3 ? 1 : 2;
  h.samples = h.version == 1 ? 1152 : 576;
  h.size = frame_bytes(h.version, h.bitrate_kbps, h.sample_rate, (p[2] >> 1) & 1);
  return h;
}

double Mp3Info::frames_seconds() const {
  if (sample_rate <= 0) return 0;
  return double(frames) * samples_per_frame / sample_rate;
}

double Mp3Info::duration_seconds() const {
  if (sample_rate <= 0) return 0;
  long long samples = (long long)frames * samples_per_frame;
  if (header) {
    long long trim = (long long)header->encoder_delay + header->encoder_padding;
    if (trim > 0 && trim < samples) samples -= trim;
  }
  return double(samples) / sample_rate;
}

Mp3Info analyze_mp3(std::string_view bytes) { return walk(bytes, false).info; }

std::string validate_mp3(std::string_view bytes) {
  try {
    walk(bytes, false);
    return "";
  } catch (const Mp3Error& e) {
    return e.what();
  }
}

std::string join_mp3(const std::vector<std::string>& parts) {
  if (parts.empty()) throw Mp3Error("join_mp3: no parts");
  std::vector<Walk> walks;
  walks.reserve(parts.size());
  size_t audio_bytes = 0, frames = 0;
  bool constant = true;
  for (size_t i = 0; i < parts.size(); ++i) {
    try {
      walks.push_back(walk(parts[i], true));
    } catch (const Mp3Error& e) {
      throw Mp3Error("part " + std::to_string(i + 1) + " of " + std::to_string(parts.size()) + ": " + e.what());
    }
    const Walk& w = walks.back();
    const Walk& w0 = walks.front();
    if (w.info.sample_rate != w0.info.sample_rate || w.info.channels != w0.info.channels ||
        w.info.version != w0.info.version) {
      throw Mp3Error("part " + std::to_string(i + 1) + " is " + std::to_string(w.info.sample_rate) + " Hz with " +
                     std::to_string(w.info.channels) + " channel(s), part 1 is " + std::to_string(w0.info.sample_rate) +
                     " Hz with " + std::to_string(w0.info.channels) + ": parts of one MP3 must share the format");
    }
    if (w.bitrate_index < 0 || w.bitrate_index != w0.bitrate_index) constant = false;
    audio_bytes += w.info.audio_end - w.first_audio;
    frames += w.info.frames;
  }

  // The header frame: same version, rate and channel mode as the audio, a
  // zeroed side info (decoders that do not know the tag play it as a silent
  // frame), then the Xing/Info fields. Its bitrate is the stream's when that
  // leaves room for the 120-byte tag, else the smallest that does.
  const Walk& w0 = walks.front();
  const unsigned char* f0 = u(parts[0]) + w0.first_audio;
  FrameHeader h = *parse_frame_header(f0, 4);
  size_t side = side_info_bytes(h);
  size_t needed = 4 + side + 8 + 4 + 4 + 100;
  int index = (f0[2] >> 4) & 0x0f;
  const int* table = h.version == 1 ? kBitratesV1 : kBitratesV2;
  while (index < 14 && frame_bytes(h.version, table[index], h.sample_rate, false) < needed) ++index;
  size_t header_size = frame_bytes(h.version, table[index], h.sample_rate, false);
  if (header_size < needed) throw Mp3Error("join_mp3: no bitrate leaves room for an Info header");

  std::string out(header_size, '\0');
  out[0] = char(0xFF);
  out[1] = char((f0[1] & 0xFE) | 1);  // sync, version, layer; no CRC
  out[2] = char((index << 4) | (f0[2] & 0x0C));
  out[3] = char(w0.mode_byte & 0xC0);
  size_t at = 4 + side;
  std::memcpy(&out[at], constant ? "Info" : "Xing", 4);
  put_be32(out, at + 4, 0x7);  // frames, bytes, TOC
  put_be32(out, at + 8, uint32_t(frames));
  size_t total = header_size + audio_bytes;
  put_be32(out, at + 12, uint32_t(total));

  out.reserve(total);
  std::vector<size_t> offsets;  // audio frame offsets in the joined stream
  offsets.reserve(frames);
  for (size_t i = 0; i < parts.size(); ++i) {
    const Walk& w = walks[i];
    size_t shift = out.size();
    for (size_t o : w.offsets) offsets.push_back(shift + (o - w.first_audio));
    out.append(parts[i], w.first_audio, w.info.audio_end - w.first_audio);
  }
  // Seek table: entry k is the byte position (in 1/256 of the stream) where
  // k percent of the playing time starts.
  for (int k = 0; k < 100; ++k) {
    size_t frame = std::min(frames - 1, size_t(double(k) / 100.0 * double(frames)));
    size_t v = offsets[frame] * 256 / total;
    out[at + 16 + k] = char(std::min<size_t>(v, 255));
  }
  return out;
}

}  // namespace td::tts
