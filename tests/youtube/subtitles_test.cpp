#include <doctest/doctest.h>
#include <algorithm>

#include <random>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "paths.h"
#include "youtube/subtitles.h"
#include "youtube/transcript.h"
#include "youtube/utf8.h"

using namespace td::youtube;
using td::youtube::testing::read_fixture;

namespace {

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

std::string joined(const std::vector<Segment>& segs) {
  std::string out;
  for (auto& s : segs) out += (out.empty() ? "" : " ") + s.text;
  return out;
}

}  // namespace

TEST_CASE("auto-caption VTT: rolling repeats are dropped, tags and inline timestamps removed") {
  auto segs = parse_webvtt(read_fixture("tdAutoRoll1/auto/en-orig.vtt"));
  auto text = joined(segs);
  CHECK(text ==
        "so today we're going to write an http server in plain c with no libraries first we need a socket so let's "
        "call socket with af_inet and sock_stream [Music] then bind it to port 8080");
  CHECK(count(text, "http server") == 1);
  CHECK(text.find('<') == std::string::npos);
  REQUIRE(segs.size() == 6);
  CHECK(segs[0].start_ms == 0);
  CHECK(segs[1].start_ms == 2879);
  CHECK(segs[5].start_ms == 13440);
  CHECK(webvtt_language(read_fixture("tdAutoRoll1/auto/en-orig.vtt")) == "en");
}

TEST_CASE("auto-caption VTT: inline timestamps give every word its time") {
  auto segs = parse_webvtt(read_fixture("tdAutoRoll1/auto/en-orig.vtt"));
  REQUIRE(segs.size() == 6);
  for (auto& s : segs) {
    CAPTURE(s.text);
    size_t words = 1 + static_cast<size_t>(std::count(s.text.begin(), s.text.end(), ' '));
    CHECK(s.word_ms.size() == words);
    CHECK(std::is_sorted(s.word_ms.begin(), s.word_ms.end()));
    if (!s.word_ms.empty()) CHECK(s.word_ms.front() == s.start_ms);
  }
  // "so<00:00:00.320><c> today</c><00:00:00.560><c> we're</c>...": the first
  // word starts with the cue, each later one at the stamp before it.
  CHECK(std::vector<int64_t>(segs[0].word_ms.begin(), segs[0].word_ms.begin() + 3) ==
        std::vector<int64_t>{0, 320, 560});
  CHECK(segs[1].word_ms[0] == 2879);
  CHECK(segs[1].word_ms[1] == 3280);
}

TEST_CASE("word times: a line that grows the previous one keeps one time per word; untimed lines keep none") {
  std::string grow =
      "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nthe<00:00:01.400><c> idea</c>\n\n"
      "00:00:02.000 --> 00:00:03.000\nthe idea<00:00:02.300><c> is</c><00:00:02.600><c> simple</c>\n";
  auto segs = parse_webvtt(grow);
  REQUIRE(segs.size() == 1);
  CHECK(segs[0].text == "the idea is simple");
  CHECK(segs[0].word_ms == std::vector<int64_t>{1000, 1400, 2300, 2600});
  // A manual two-line cue has no word times at all.
  auto manual = parse_webvtt("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nTwo words\nthen three more\n");
  REQUIRE(manual.size() == 1);
  CHECK(manual[0].word_ms.empty());
  // A json3 event whose segs hold several words keeps none either.
  auto mixed =
      parse_json3(R"({"events":[{"tStartMs":100,"segs":[{"utf8":"one two"},{"utf8":" three","tOffsetMs":500}]}]})");
  REQUIRE(mixed.size() == 1);
  CHECK(mixed[0].word_ms.empty());
  // A seg that continues the word before it ("do" + "n't") adds no word.
  auto glued = parse_json3(
      R"({"events":[{"tStartMs":0,"segs":[{"utf8":"we"},{"utf8":" do","tOffsetMs":200},{"utf8":"n't","tOffsetMs":300},{"utf8":" stop","tOffsetMs":500}]}]})");
  REQUIRE(glued.size() == 1);
  CHECK(glued[0].text == "we don't stop");
  CHECK(glued[0].word_ms == std::vector<int64_t>{0, 200, 500});
}

TEST_CASE("word times survive the stored form") {
  auto t = make_transcript(parse_webvtt(read_fixture("tdAutoRoll1/auto/en-orig.vtt")), "en", "auto");
  auto back = transcript_from_json(to_json(t));
  CHECK(back == t);
  CHECK_FALSE(back.segments[0].word_ms.empty());
  // Rows stored before word times existed still load.
  auto old = nlohmann::json::parse(R"({"segments":[{"start_ms":5,"text":"hi there"}],"text":"hi there"})");
  CHECK(transcript_from_json(old).segments[0].word_ms.empty());
}

TEST_CASE("manual VTT: STYLE and NOTE blocks, cue ids, voice/italic/class tags and entities") {
  auto segs = parse_webvtt(read_fixture("tdManualEn1/subs/en.vtt"));
  REQUIRE(segs.size() == 5);
  CHECK(segs[0].text == "Every second of your life, you are under attack.");
  CHECK(segs[0].start_ms == 480);
  CHECK(segs[1].text == "Billions of bacteria, viruses & fungi are trying to make you their home.");
  CHECK(segs[2].text == "So our bodies have developed a super complex micro-army.");
  CHECK(segs[3].text == "It's the immune system > everything else.");
  CHECK(segs[4].start_ms == 130000);
  auto all = joined(segs);
  CHECK(all.find("color") == std::string::npos);
  CHECK(all.find("comment") == std::string::npos);
  CHECK(all.find("intro-3") == std::string::npos);
}

TEST_CASE("a truncated VTT keeps the cues before the cut") {
  std::string full = read_fixture("tdAutoRoll1/auto/en-orig.vtt");
  // Cut inside a tag, inside a timing line, and after a lone header.
  auto cut_in_tag = full.substr(0, full.find("<00:00:06.720>") + 5);
  auto segs = parse_webvtt(cut_in_tag);
  CHECK(joined(segs).find("first we need a") != std::string::npos);
  CHECK(joined(segs).find("<") == std::string::npos);
  auto cut_in_timing = full.substr(0, full.find("00:00:08.160 --> 00:00:10.990") + 8);
  CHECK(joined(parse_webvtt(cut_in_timing)).ends_with("so let's call"));
  CHECK(parse_webvtt("WEBVTT\nKind: captions\n").empty());
  CHECK(parse_webvtt("").empty());
  CHECK(parse_webvtt("00:00:01.0").empty());
}

TEST_CASE("SRT and CRLF and a BOM parse like VTT") {
  std::string srt =
      "\xEF\xBB\xBF"
      "1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i> there.\r\n\r\n2\r\n00:01:02,250 --> 00:01:04,000\r\nSecond line\r\nwraps.\r\n";
  auto segs = parse_webvtt(srt);
  REQUIRE(segs.size() == 2);
  CHECK(segs[0] == Segment{1000, "Hello there."});
  CHECK(segs[1] == Segment{62250, "Second line wraps."});
  CHECK(looks_like_subtitles(srt));
  CHECK_FALSE(looks_like_subtitles("Just a paragraph of text.\nAnother one --> maybe."));
}

TEST_CASE("non-UTF-8 bytes in captions are replaced, never passed on") {
  std::string vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\ncaf\xE9 na\xC3\xAFve \xFF\xFE end\n";
  auto segs = parse_webvtt(vtt);
  REQUIRE(segs.size() == 1);
  CHECK(utf8::valid(segs[0].text));
  CHECK(segs[0].text == "caf\xEF\xBF\xBD na\xC3\xAFve \xEF\xBF\xBD\xEF\xBF\xBD end");
  CHECK_NOTHROW(nlohmann::json(segs[0].text).dump());
}

TEST_CASE("json3: segs joined per event, window events and newline appends skipped") {
  auto segs = parse_json3(read_fixture("tdJson3De01/auto/de-orig.json3"));
  REQUIRE(segs.size() == 3);
  CHECK(segs[0].start_ms == 160);
  CHECK(segs[0].text == "warum ist die bahn so oft zu sp\xC3\xA4t");
  // Each word's seg carries tOffsetMs from the event's start.
  CHECK(segs[0].word_ms == std::vector<int64_t>{160, 560, 760, 1040, 1320, 1560, 1800, 2040});
  CHECK(segs[1].start_ms == 3519);
  CHECK(segs[1].text == "das liegt vor allem am netz");
  CHECK(segs[1].word_ms.size() == 6);
  CHECK(segs[2].start_ms == 6080);
  CHECK(segs[2].text == "[Musik]");
}

TEST_CASE("json3 that is not json3 is a clear error; odd events are skipped") {
  CHECK_THROWS_AS(parse_json3("<html>429</html>"), td::TransientError);
  CHECK_THROWS_AS(parse_json3("{\"wireMagic\":\"pb3\"}"), td::TransientError);
  CHECK_THROWS_AS(parse_json3("{\"events\":[{\"tStartMs\":0,\"segs\":[{\"utf8\":\"cut"), td::TransientError);
  auto segs = parse_json3(R"({"events":[1,"x",{"segs":"no"},{"tStartMs":"5","segs":[{"utf8":7},{"utf8":"ok"}]},
                            {"tStartMs":10,"segs":[{"utf8":"ok"}]},{"tStartMs":20,"segs":[{"utf8":"a < b"}]}]})");
  REQUIRE(segs.size() == 2);
  CHECK(segs[0] == Segment{0, "ok", {0}});     // one word, one seg: its time is known
  CHECK(segs[1] == Segment{20, "a < b", {}});  // one seg of three words: only the segment is timed
  // A lone surrogate escape (Python writes them for broken titles) does not sink the file.
  auto lone = parse_json3(R"({"events":[{"tStartMs":1,"segs":[{"utf8":"bad \ud800 char"}]}]})");
  REQUIRE(lone.size() == 1);
  CHECK(lone[0].text == "bad \xEF\xBF\xBD char");
}

TEST_CASE("make_transcript joins segments and refuses empty captions") {
  auto t = make_transcript({{0, "hello"}, {500, ""}, {900, "world"}}, "en", "auto");
  CHECK(t.text == "hello world");
  CHECK(t.segments.size() == 2);
  CHECK(t.source == "auto");
  CHECK(t == transcript_from_json(to_json(t)));
  try {
    make_transcript({}, "en", "manual");
    FAIL("accepted no segments");
  } catch (const td::PermanentError& e) {
    CHECK(e.reason() == "no_transcript");
  }
}

TEST_CASE("user transcripts: VTT/SRT when they look like it, plain text otherwise") {
  auto vtt = user_transcript(read_fixture("tdAutoRoll1/auto/en-orig.vtt"));
  CHECK(vtt.source == "user");
  CHECK(vtt.timed);
  CHECK(vtt.language == "en");
  CHECK(vtt.text.starts_with("so today we're going"));

  auto srt = user_transcript("1\n00:00:05,000 --> 00:00:06,000\nHi.\n", "fr");
  CHECK(srt.segments == std::vector<Segment>{{5000, "Hi.", {5000}}});
  CHECK(srt.language == "fr");

  auto plain = user_transcript("  First paragraph.\r\n\r\nSecond \xC0 paragraph.\n\n", "en");
  CHECK(plain.source == "user");
  CHECK_FALSE(plain.timed);
  CHECK(plain.text == "First paragraph.\nSecond \xEF\xBF\xBD paragraph.");
  CHECK(plain.segments.size() == 2);

  for (auto* empty : {"", "  \n\t\n", "WEBVTT\n\n"}) {
    CAPTURE(empty);
    CHECK_THROWS_AS(user_transcript(empty), td::PermanentError);
  }
}

TEST_CASE("utf8 sanitizing and truncation") {
  CHECK(utf8::sanitize("ok \xE2\x82") == "ok \xEF\xBF\xBD");                   // truncated sequence
  CHECK(utf8::sanitize("\xC0\xAF") == "\xEF\xBF\xBD");                         // overlong
  CHECK(utf8::sanitize("\xED\xA0\x80x") == "\xEF\xBF\xBDx");                   // encoded surrogate
  CHECK(utf8::sanitize(std::string("a\0b\x1b[31mc\td", 11)) == "ab[31mc\td");  // NUL and ESC dropped
  CHECK(utf8::sanitize("\xF0\x9F\x94\xB4 live") == "\xF0\x9F\x94\xB4 live");
  bool cut = false;
  CHECK(utf8::truncate("h\xC3\xA9llo", 2, &cut) == "h\xC3\xA9");
  CHECK(cut);
  CHECK(utf8::truncate("abc", 3, &cut) == "abc");
  CHECK_FALSE(cut);
  CHECK(utf8::sanitize_json_text(R"({"a":"\ud83d\ude00","b":"\udc00","c":"\\ud800"})") ==
        R"({"a":"\ud83d\ude00","b":"\ufffd","c":"\\ud800"})");
}

TEST_CASE("mutated and truncated inputs never crash the parsers") {
  // Deterministic: the same seed every run, so a failure reproduces.
  std::mt19937 rng(20240601);
  const std::string sources[] = {read_fixture("tdAutoRoll1/auto/en-orig.vtt"), read_fixture("tdManualEn1/subs/en.vtt"),
                                 read_fixture("tdJson3De01/auto/de-orig.json3"), read_fixture("tdAutoRoll1/info.json")};
  const char specials[] = {'<', '>', '&',  ';', '\n', '\r', ':',    '.',    ',',
                           '-', '"', '\\', '{', '}',  '\0', '\xFF', '\xC3', '\xED'};
  int parsed = 0;
  for (int round = 0; round < 1500; ++round) {
    std::string text = sources[round % 4];
    if (round % 8 != 2) text.resize(std::uniform_int_distribution<size_t>(0, text.size())(rng));  // 2: whole json3
    int edits = std::uniform_int_distribution<int>(0, 12)(rng);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = std::uniform_int_distribution<size_t>(0, text.size() - 1)(rng);
      text[at] = specials[std::uniform_int_distribution<size_t>(0, sizeof specials - 1)(rng)];
    }
    for (auto& s : parse_webvtt(text)) CHECK(utf8::valid(s.text));
    try {
      for (auto& s : parse_json3(text)) CHECK(utf8::valid(s.text));
      ++parsed;
    } catch (const td::TransientError&) {
    }
    try {
      auto t = user_transcript(text);
      CHECK(utf8::valid(t.text));
    } catch (const td::PermanentError& e) {
      CHECK(e.reason() == "no_transcript");
    }
  }
  CHECK(parsed > 0);
}
