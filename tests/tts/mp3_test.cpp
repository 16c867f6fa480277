#include <doctest/doctest.h>

#include <random>

#include "fixtures.h"
#include "mp3_decode.h"
#include "tts/mp3.h"

using namespace td::tts;
using namespace td::tts::test;

namespace {

std::string id3v2_tag(size_t payload) {
  std::string t = "ID3";
  t += char(4);
  t += char(0);
  t += char(0);
  t += char((payload >> 21) & 0x7f);
  t += char((payload >> 14) & 0x7f);
  t += char((payload >> 7) & 0x7f);
  t += char(payload & 0x7f);
  t += std::string(payload, '\0');
  return t;
}

std::string id3v1_tag() {
  std::string t = "TAG";
  t.resize(128, ' ');
  return t;
}

const std::string& sample_speech() {
  static const std::string bytes = speak("This is a short sample of synthetic speech for the MP3 tests.").bytes;
  return bytes;
}

}  // namespace

TEST_CASE("frame headers are parsed from the bit fields") {
  const unsigned char mpeg1[4] = {0xFF, 0xFB, 0x90, 0x64};  // MPEG-1 L3, 128 kbit/s, 44100 Hz, joint stereo
  auto h = parse_frame_header(mpeg1, 4);
  REQUIRE(h);
  CHECK(h->version == 1);
  CHECK(h->bitrate_kbps == 128);
  CHECK(h->sample_rate == 44100);
  CHECK(h->channels == 2);
  CHECK(h->size == 417);
  const unsigned char mpeg2[4] = {0xFF, 0xF3, 0x62, 0xC4};  // MPEG-2 L3, 48 kbit/s, 22050 Hz, padded, mono
  auto m = parse_frame_header(mpeg2, 4);
  REQUIRE(m);
  CHECK(m->sample_rate == 22050);
  CHECK(m->channels == 1);
  CHECK(m->samples == 576);
  CHECK(m->size == 157);
  const unsigned char layer2[4] = {0xFF, 0xFD, 0x90, 0x64};
  CHECK_FALSE(parse_frame_header(layer2, 4));
  const unsigned char free_format[4] = {0xFF, 0xFB, 0x00, 0x64};
  CHECK_FALSE(parse_frame_header(free_format, 4));
}

TEST_CASE("the encoder's Xing header agrees with the frames actually in the stream") {
  const std::string& mp3 = sample_speech();
  auto info = analyze_mp3(mp3);
  REQUIRE(info.header);
  CHECK(info.header->frames.value_or(0) == info.frames);
  CHECK(info.header->bytes.value_or(0) == mp3.size());
  CHECK(info.channels == 1);
  CHECK(info.sample_rate == 22050);
  auto decoded = decode_mp3(mp3);
  CHECK(decoded.seconds() == doctest::Approx(info.duration_seconds()).epsilon(1e-6));
}

TEST_CASE("ID3v2 in front and ID3v1 behind are skipped; the audio is the same") {
  const std::string& mp3 = sample_speech();
  std::string tagged = id3v2_tag(300) + mp3 + id3v1_tag();
  auto a = analyze_mp3(mp3);
  auto b = analyze_mp3(tagged);
  CHECK(b.id3v2_bytes == 310);
  CHECK(b.frames == a.frames);
  CHECK(validate_mp3(tagged) == "");
}

TEST_CASE("broken bodies are named: empty, HTML, JSON, truncated, junk mid-stream") {
  const std::string& mp3 = sample_speech();
  CHECK(validate_mp3("").find("empty") != std::string::npos);
  CHECK(validate_mp3("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>").find("HTML") != std::string::npos);
  CHECK(validate_mp3("{\"error\":{\"message\":\"quota\"}}").find("JSON") != std::string::npos);
  CHECK(validate_mp3(mp3.substr(0, mp3.size() - 40)).find("truncated") != std::string::npos);
  std::string spliced = mp3.substr(0, mp3.size() / 2) + "garbage!" + mp3.substr(mp3.size() / 2);
  CHECK(validate_mp3(spliced).find("broken") != std::string::npos);
  CHECK(validate_mp3(id3v2_tag(50)).find("no MPEG audio") != std::string::npos);
  CHECK_THROWS_AS(analyze_mp3(mp3.substr(0, 3)), Mp3Error);
}

TEST_CASE("three parts join into one stream with one header that counts all frames and decodes end to end") {
  std::vector<std::string> parts = {
      speak("First part of the joined recording.").bytes,
      id3v2_tag(100) + speak("Second part, with a tag in front that must not survive.").bytes + id3v1_tag(),
      speak("Third and final part.").bytes,
  };
  size_t frames = 0;
  double frame_seconds = 0, decoded_parts = 0;
  for (auto& p : parts) {
    auto info = analyze_mp3(p);
    frames += info.frames;
    frame_seconds += info.frames_seconds();
    decoded_parts += decode_mp3(p).seconds();
  }
  std::string joined = join_mp3(parts);
  auto info = analyze_mp3(joined);
  REQUIRE(info.header);
  CHECK(info.header->frames.value_or(0) == frames);
  CHECK(info.header->bytes.value_or(0) == joined.size());
  CHECK(info.header->has_toc);
  CHECK(info.frames == frames);
  CHECK(info.id3v2_bytes == 0);
  CHECK(count_of(joined, "Xing") + count_of(joined, "Info") == 1);
  CHECK(count_of(joined, "TAG") == 0);

  auto decoded = decode_mp3(joined);
  // Every audio frame of every part is played (no gapless trimming in the
  // middle): the decoded length is the frame count's length (mpg123 drops
  // its own 529-sample decoder delay, less than one frame), and within the
  // encoder delay/padding of each part (< 0.1 s) of the parts' own lengths.
  CHECK(std::abs(double(decoded.samples.size()) - double(frames * 576)) < 576);
  CHECK(decoded.seconds() == doctest::Approx(frame_seconds).epsilon(0.01));
  CHECK(decoded.seconds() == doctest::Approx(decoded_parts).epsilon(0.05));
  CHECK(decoded.seconds() - decoded_parts < 3 * 0.1);
  CHECK(decoded.rms() > 500);
}

TEST_CASE("joining refuses parts with a different sample rate, and broken parts, naming the part") {
  std::string a = sine_mp3(22050, 1.0);
  std::string b = sine_mp3(16000, 1.0);
  try {
    join_mp3({a, b});
    FAIL("expected Mp3Error");
  } catch (const Mp3Error& e) {
    CHECK(std::string(e.what()).find("part 2") != std::string::npos);
    CHECK(std::string(e.what()).find("16000") != std::string::npos);
  }
  try {
    join_mp3({a, a.substr(0, a.size() - 10)});
    FAIL("expected Mp3Error");
  } catch (const Mp3Error& e) {
    CHECK(std::string(e.what()).find("part 2 of 2: truncated") != std::string::npos);
  }
  CHECK_THROWS_AS(join_mp3({}), Mp3Error);
}

TEST_CASE("a joined sine wave keeps its level and length across the seams") {
  std::string a = sine_mp3(22050, 2.0);
  auto joined = join_mp3({a, a, a});
  auto d = decode_mp3(joined);
  CHECK(d.rate == 22050);
  CHECK(d.channels == 1);
  CHECK(std::abs(d.seconds() - 3 * analyze_mp3(a).frames_seconds()) < 576.0 / 22050);
  CHECK(d.rms() == doctest::Approx(8000 / std::sqrt(2.0)).epsilon(0.1));
}

TEST_CASE("mutated and cut MP3s are either valid or rejected with Mp3Error, never a crash") {
  const std::string& mp3 = sample_speech();
  std::mt19937 rng(7);
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string m = mp3;
    int edits = 1 + int(rng() % 8);
    for (int k = 0; k < edits; ++k) m[rng() % m.size()] = char(rng() & 0xff);
    if (i % 3 == 0) m.resize(rng() % m.size());
    try {
      auto info = analyze_mp3(m);
      CHECK(info.frames > 0);
      CHECK(info.audio_end <= m.size());
      join_mp3({m, mp3});
    } catch (const Mp3Error&) {
      ++rejected;
    }
  }
  CHECK(rejected > 0);
}
