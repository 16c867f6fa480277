// The caption-track generator (tests/support/captions.h) against the parsers
// it feeds. Every track of every speech in tests/speeches must parse back to
// exactly what was spoken: the automatic tracks to the spoken words in order,
// with each segment starting at its first word; the manual track to the
// punctuated text. The timings follow the documented model, the ground truth
// follows its rules, and a written fixture folder is served by the fake
// yt-dlp.
//
// The test cases named "[word_ms] ..." check Segment::word_ms, which
// parse_webvtt/parse_json3 fill from the inline stamps and tOffsetMs (issue
// 14). They fail until the parsers fill it.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <sstream>

#include "paths.h"
#include "support/captions.h"
#include "youtube/subtitles.h"
#include "youtube/ytdlp_source.h"

using namespace td::test;
using td::youtube::Segment;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::vector<std::string> words_of(const std::vector<Segment>& segs) {
  std::vector<std::string> out;
  for (auto& s : segs)
    for (auto& w : split(s.text)) out.push_back(w);
  return out;
}

// What the automatic tracks should say: every spoken item, noise included.
std::vector<std::string> spoken(const CaptionTrack& t) {
  std::vector<std::string> out;
  for (auto& w : t.words) out.push_back(w.spoken);
  return out;
}

std::vector<int64_t> starts(const CaptionTrack& t) {
  std::vector<int64_t> out;
  for (auto& w : t.words) out.push_back(w.start_ms);
  return out;
}

// What the manual track should say: the written words, fillers left out.
std::string written_text(const CaptionTrack& t) {
  std::string out;
  for (auto& w : t.words)
    if (w.noise != CaptionWord::Noise::filler) out += (out.empty() ? "" : " ") + w.written;
  return out;
}

std::string joined(const std::vector<Segment>& segs) {
  std::string out;
  for (auto& s : segs) out += (out.empty() ? "" : " ") + s.text;
  return out;
}

std::string without_spaces(std::string s) {
  std::erase_if(s, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  return s;
}

// The index of the first difference, or -1 when a and b are equal.
template <class T>
long first_difference(const std::vector<T>& a, const std::vector<T>& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return static_cast<long>(i);
  return a.size() == b.size() ? -1 : static_cast<long>(n);
}

// Each segment starts when its first word does.
void check_segment_starts(const std::vector<Segment>& segs, const CaptionTrack& t) {
  size_t w = 0;
  for (size_t k = 0; k < segs.size(); ++k) {
    CAPTURE(k);
    REQUIRE(w < t.words.size());
    CHECK(segs[k].start_ms == t.words[w].start_ms);
    if (k > 0) CHECK(segs[k].start_ms > segs[k - 1].start_ms);
    w += split(segs[k].text).size();
  }
}

// Segment::word_ms: one start per word of the segment's text, all of them in
// order equal to the generator's word starts, first one at the segment start.
void check_word_ms(const std::vector<Segment>& segs, const CaptionTrack& t) {
  std::vector<int64_t> parsed;
  size_t mismatched_sizes = 0, off_start = 0;
  for (auto& s : segs) {
    if (s.word_ms.size() != split(s.text).size()) ++mismatched_sizes;
    if (!s.word_ms.empty() && s.word_ms.front() != s.start_ms) ++off_start;
    parsed.insert(parsed.end(), s.word_ms.begin(), s.word_ms.end());
  }
  CHECK_MESSAGE(mismatched_sizes == 0, "segments whose word_ms has not one entry per word");
  CHECK(off_start == 0);
  CHECK(first_difference(parsed, starts(t)) == -1);
  CHECK(std::adjacent_find(parsed.begin(), parsed.end(), std::greater_equal<int64_t>()) == parsed.end());
}

CaptionTrack track_of(const Speech& s, bool noise = false) {
  CaptionOptions o;
  o.seed = seed_for(s.name);
  o.noise = noise;
  return make_track(s.text, s.language, o);
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "td-captions-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

TEST_CASE("every speech is there, long enough, in its language's folder") {
  auto speeches = load_speeches();
  REQUIRE(speeches.size() >= 7);
  for (auto& s : speeches) {
    CAPTURE(s.name);
    auto words = track_of(s).text_words().size();
    CHECK(words >= 270);  // Gettysburg is the shortest
    if (s.name == "en/kennedy_rice_1962") CHECK(words >= 1500);
    if (s.name != "en/lincoln_gettysburg_1863") CHECK(words >= 400);
  }
}

TEST_CASE("auto WebVTT: parses back to the spoken words, each segment at its first word") {
  for (auto& s : load_speeches()) {
    CAPTURE(s.name);
    auto t = track_of(s);
    auto vtt = auto_vtt(t);
    CHECK(td::youtube::webvtt_language(vtt) == s.language);
    auto segs = td::youtube::parse_webvtt(vtt);
    CHECK(first_difference(words_of(segs), spoken(t)) == -1);
    check_segment_starts(segs, t);
    for (auto& w : words_of(segs)) CHECK(w == spoken_form(w));  // lower case, no punctuation
  }
}

TEST_CASE("auto json3: parses back to the spoken words, each segment at its first word") {
  for (auto& s : load_speeches()) {
    CAPTURE(s.name);
    auto t = track_of(s);
    auto segs = td::youtube::parse_json3(auto_json3(t));
    CHECK(first_difference(words_of(segs), spoken(t)) == -1);
    check_segment_starts(segs, t);
  }
}

TEST_CASE("manual WebVTT: parses back to the punctuated text, cues of one or two short lines") {
  for (auto& s : load_speeches()) {
    CAPTURE(s.name);
    auto t = track_of(s);
    auto vtt = manual_vtt(t);
    auto segs = td::youtube::parse_webvtt(vtt);
    CHECK(joined(segs) == written_text(t));
    CHECK(without_spaces(joined(segs)) == without_spaces(s.text));  // only spacing may differ ("forward-- and")
    for (size_t k = 1; k < segs.size(); ++k) CHECK(segs[k].start_ms > segs[k - 1].start_ms);
    // Cue text lines: at most two per cue, at most 42 characters each.
    size_t in_cue = 0, longest = 0, most = 0;
    std::istringstream in(vtt);
    bool body = false;
    for (std::string line; std::getline(in, line);) {
      if (line.find("-->") != std::string::npos) {
        body = true;
        in_cue = 0;
        continue;
      }
      if (line.empty()) {
        body = false;
        continue;
      }
      if (!body) continue;
      ++in_cue;
      most = std::max(most, in_cue);
      size_t chars = 0;
      for (char c : line) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      longest = std::max(longest, chars);
    }
    CHECK(most <= 2);
    CHECK(longest <= 42);
  }
}

TEST_CASE("[word_ms] auto WebVTT: one start per word from the inline stamps") {
  for (auto& s : load_speeches()) {
    CAPTURE(s.name);
    auto t = track_of(s);
    check_word_ms(td::youtube::parse_webvtt(auto_vtt(t)), t);
  }
}

TEST_CASE("[word_ms] auto json3: one start per word from tOffsetMs") {
  for (auto& s : load_speeches()) {
    CAPTURE(s.name);
    auto t = track_of(s);
    check_word_ms(td::youtube::parse_json3(auto_json3(t)), t);
  }
}

TEST_CASE("[word_ms] manual WebVTT: no word timings, but for one-word cues (their word starts with the cue)") {
  for (auto& s : load_speeches()) {
    CAPTURE(s.name);
    for (auto& seg : td::youtube::parse_webvtt(manual_vtt(track_of(s, true)))) {
      CAPTURE(seg.text);
      if (split(seg.text).size() == 1)
        CHECK((seg.word_ms.empty() || seg.word_ms == std::vector<int64_t>{seg.start_ms}));
      else CHECK(seg.word_ms.empty());
    }
  }
}

TEST_CASE("[word_ms] noise: fillers and tags keep their own times") {
  auto speeches = load_speeches();
  auto it = std::find_if(speeches.begin(), speeches.end(), [](auto& s) { return s.name == "en/kennedy_rice_1962"; });
  REQUIRE(it != speeches.end());
  auto t = track_of(*it, true);
  check_word_ms(td::youtube::parse_webvtt(auto_vtt(t)), t);
  check_word_ms(td::youtube::parse_json3(auto_json3(t)), t);
}

TEST_CASE("ground truth: . ! ? … before a capital end a sentence; abbreviations, colons and semicolons do not") {
  auto t = make_track(
      "Mr. Webb said: yes; no. Vraiment ? Oui ! non, pas « ça ». Il y a dans Paris… Mon Dieu. ¿Qué? «Fin». "
      "John F. Kennedy, U.S. troops left.\n\nThe end",
      "fr");
  auto words = t.text_words();
  std::vector<std::string> said, ends;
  for (auto& w : words) {
    said.push_back(w.spoken);
    if (w.sentence_end) ends.push_back(w.spoken);
  }
  CHECK(said == std::vector<std::string>{"mr",  "webb", "said", "yes",     "no",   "vraiment", "oui",  "non",  "pas",
                                         "ça",  "il",   "y",    "a",       "dans", "paris",    "mon",  "dieu", "qué",
                                         "fin", "john", "f",    "kennedy", "us",   "troops",   "left", "the",  "end"});
  CHECK(ends == std::vector<std::string>{"no", "vraiment", "ça", "paris", "dieu", "qué", "fin", "left", "end"});
  auto at = [&](const std::string& w) {
    return *std::find_if(words.begin(), words.end(), [&](auto& x) { return x.spoken == w; });
  };
  CHECK(at("vraiment").written == "Vraiment ?");
  CHECK(at("ça").written == "« ça ».");
  CHECK(at("qué").written == "¿Qué?");
  CHECK(at("yes").clause_initial);  // after "said:"
  CHECK(at("ça").clause_initial);
  CHECK_FALSE(at("webb").clause_initial);
  CHECK(at("webb").capitalized);
  CHECK_FALSE(at("webb").sentence_initial);
  CHECK(at("oui").sentence_initial);
  CHECK_FALSE(at("non").sentence_initial);
  CHECK(at("left").paragraph_end);
  CHECK(at("the").sentence_initial);

  CHECK(spoken_form("L'Homme,") == "l'homme");
  CHECK(spoken_form("we're") == "we're");
  CHECK(spoken_form("half-century.") == "half-century");
  CHECK(spoken_form("$5,400") == "5,400");
  CHECK(spoken_form("\"Because") == "because");
  CHECK(spoken_form("ÉTAT") == "état");
  CHECK(spoken_form("forward--") == "forward");
  auto tokens = text_tokens("moved forward--and so -- will « space » ?");
  std::vector<std::string> written;
  for (auto& tok : tokens) written.push_back(tok.written);
  CHECK(written == std::vector<std::string>{"moved", "forward--", "and", "so --", "will", "« space » ?"});
}

TEST_CASE("timing model: speaking rate, sentence-end pauses, pauses inside sentences") {
  std::vector<double> sentence_gaps, comma_gaps, plain_gaps;
  for (auto& s : load_speeches()) {
    CAPTURE(s.name);
    auto t = track_of(s);
    CHECK(t.words_per_minute >= 120);
    CHECK(t.words_per_minute <= 180);
    for (size_t i = 0; i < t.words.size(); ++i) {
      CHECK(t.words[i].end_ms > t.words[i].start_ms);
      if (i > 0) CHECK(t.words[i].start_ms >= t.words[i - 1].end_ms);
    }
    auto words = t.text_words();
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      const auto& w = words[i];
      double gap = static_cast<double>(words[i + 1].start_ms - w.end_ms) / 1000.0;
      if (w.paragraph_end) continue;
      std::string lowered = w.written;
      for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      bool plain = lowered == w.spoken && !words[i + 1].clause_initial;  // no punctuation around the gap
      if (w.sentence_end) sentence_gaps.push_back(gap);
      else if (w.written.ends_with(",")) comma_gaps.push_back(gap);
      else if (plain) plain_gaps.push_back(gap);
    }
  }
  auto share = [](const std::vector<double>& v, auto pred) {
    return static_cast<double>(std::count_if(v.begin(), v.end(), pred)) / static_cast<double>(v.size());
  };
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  REQUIRE(sentence_gaps.size() > 100);  // paragraph ends are left out
  double short_ends = share(sentence_gaps, [](double g) { return g < 0.3; });
  CHECK(short_ends > 0.08);  // model: 15 %
  CHECK(short_ends < 0.25);
  CHECK(median(sentence_gaps) > 0.5);
  CHECK(median(sentence_gaps) < 0.95);
  double long_plain = share(plain_gaps, [](double g) { return g >= 0.3; });
  CHECK(long_plain > 0.04);  // hesitations (~6 %) and breaths
  CHECK(long_plain < 0.14);
  CHECK(median(comma_gaps) > 0.15);
  CHECK(median(comma_gaps) < 0.45);
}

TEST_CASE("the same seed gives the same tracks; another seed another speaker") {
  auto s = load_speeches().front();
  CaptionOptions a, b;
  a.seed = b.seed = 7;
  auto t1 = make_track(s.text, s.language, a), t2 = make_track(s.text, s.language, b);
  CHECK(auto_vtt(t1) == auto_vtt(t2));
  CHECK(auto_json3(t1) == auto_json3(t2));
  CHECK(manual_vtt(t1) == manual_vtt(t2));
  b.seed = 8;
  auto t3 = make_track(s.text, s.language, b);
  CHECK(spoken(t3) == spoken(t1));
  CHECK(starts(t3) != starts(t1));
  b.words_per_minute = 130;
  a.words_per_minute = 170;
  CHECK(make_track(s.text, s.language, b).duration_ms > make_track(s.text, s.language, a).duration_ms);
}

TEST_CASE("noise: fillers and tags only when asked, parsed like YouTube's, the speech itself unchanged") {
  auto speeches = load_speeches();
  auto it = std::find_if(speeches.begin(), speeches.end(), [](auto& s) { return s.name == "en/kennedy_rice_1962"; });
  REQUIRE(it != speeches.end());
  auto clean = track_of(*it), noisy = track_of(*it, true);
  auto count = [](const CaptionTrack& t, CaptionWord::Noise kind) {
    return std::count_if(t.words.begin(), t.words.end(), [&](auto& w) { return w.noise == kind; });
  };
  CHECK(count(clean, CaptionWord::Noise::filler) == 0);
  CHECK(count(clean, CaptionWord::Noise::tag) == 0);
  CHECK(count(noisy, CaptionWord::Noise::filler) > 5);
  CHECK(count(noisy, CaptionWord::Noise::tag) >= 1);
  CHECK(noisy.words.front().spoken == "[Music]");

  CHECK(first_difference(words_of(td::youtube::parse_webvtt(auto_vtt(noisy))), spoken(noisy)) == -1);
  CHECK(first_difference(words_of(td::youtube::parse_json3(auto_json3(noisy))), spoken(noisy)) == -1);
  auto manual = joined(td::youtube::parse_webvtt(manual_vtt(noisy)));
  CHECK(manual == written_text(noisy));
  CHECK(manual.find(" uh ") == std::string::npos);
  CHECK(manual.starts_with("[Music]"));

  auto a = clean.text_words(), b = noisy.text_words();
  REQUIRE(a.size() == b.size());
  size_t same = 0;  // durations equal but for rounding to the millisecond
  for (size_t i = 0; i < a.size(); ++i)
    same += std::abs((a[i].end_ms - a[i].start_ms) - (b[i].end_ms - b[i].start_ms)) <= 1 && a[i].spoken == b[i].spoken;
  CHECK(same == a.size());
}

TEST_CASE("write_tracks: a fixture folder the fake yt-dlp serves") {
  auto speeches = load_speeches();
  auto it = std::find_if(speeches.begin(), speeches.end(), [](auto& s) { return s.name == "fr/hugo_misere_1849"; });
  REQUIRE(it != speeches.end());
  auto t = track_of(*it);
  TempDir fixtures;
  WriteOptions with_manual;
  with_manual.video_id = "tdSpeechMn1";
  write_tracks(t, fixtures.path + "/tdSpeechMn1", with_manual);
  WriteOptions auto_only = with_manual;
  auto_only.video_id = "tdSpeechAu1";
  auto_only.manual = false;
  write_tracks(t, fixtures.path + "/tdSpeechAu1", auto_only);
  WriteOptions vtt_only = auto_only;
  vtt_only.video_id = "tdSpeechVt1";
  vtt_only.auto_json3 = false;
  write_tracks(t, fixtures.path + "/tdSpeechVt1", vtt_only);
  CHECK(fs::exists(fixtures.path + "/tdSpeechMn1/subs/fr.vtt"));
  CHECK(fs::exists(fixtures.path + "/tdSpeechMn1/auto/fr-orig.vtt"));
  CHECK(fs::exists(fixtures.path + "/tdSpeechMn1/auto/fr-orig.json3"));
  CHECK_FALSE(fs::exists(fixtures.path + "/tdSpeechAu1/subs/fr.vtt"));

  td::youtube::YtDlpConfig config;
  config.path = td::youtube::testing::fake_ytdlp();
  config.timeout = std::chrono::seconds(20);
  config.extra_env = {"FAKE_YTDLP_FIXTURES=" + fixtures.path};
  auto fetch = [&](const std::string& id) {
    auto m = td::youtube::YtDlpSource(config).fetch(id);
    CHECK(m.language == "fr");
    return td::youtube::YtDlpTranscriptSource(config).fetch(m);
  };
  auto spoken_text = [&] {
    std::string out;
    for (auto& w : spoken(t)) out += (out.empty() ? "" : " ") + w;
    return out;
  }();
  auto manual = fetch("tdSpeechMn1");
  CHECK(manual.source == "manual");
  CHECK(manual.language == "fr");
  CHECK(manual.text == written_text(t));
  auto json3 = fetch("tdSpeechAu1");
  CHECK(json3.source == "auto");
  CHECK(json3.text == spoken_text);
  auto vtt = fetch("tdSpeechVt1");
  CHECK(vtt.source == "auto");
  CHECK(vtt.text == spoken_text);
}
