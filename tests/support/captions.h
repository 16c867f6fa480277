// Caption tracks made from real punctuated text, for the sentence-boundary
// benchmark (bench/summarize/boundary_bench.cpp) and the tests. A seeded
// model of a speaker reading the text aloud gives every word a start and an
// end. That timed word sequence yields the three tracks YouTube would serve
// for the video, and the ground truth: after which spoken word a sentence
// ends. The texts are the public-domain speeches in tests/speeches/
// (load_speeches()).
//
// Timing model. Every draw is seeded: the same text, language and seed give
// the same track, byte for byte. "Per speech" means drawn once for each
// track.
//
//   Rate. A target rate R, drawn per speech uniformly from 130-170 words a
//     minute, pauses included (the usual measure of speaking rate). Each
//     word takes k x (syllables + 0.4) x jitter, where jitter is uniform in
//     0.85-1.15 per word. The word is 15 % longer before a pause of 0.25 s or
//     more (phrase-final lengthening). Syllables are vowel groups. A silent
//     final "e" is not counted in English and French ("made", "fortes"), and
//     figures count 1.5 a digit. k is solved so that the words and gaps last
//     words x 60 / R seconds. k is clamped to 0.10-0.30 s, so articulation
//     stays between about 3 and 10 syllable-units a second. The rate a track
//     reaches is CaptionTrack::words_per_minute.
//   Gaps: the silence after a word, before the next word starts.
//     plain word gap              0-40 ms (words run together)
//     sentence end (see below)    85 %: 0.4-1.2 s, skewed short (0.4 + 0.8 u^1.5);
//                                 15 %: 0.08-0.30 s (the speaker runs sentences together)
//     paragraph end               0.9-1.8 s after a sentence, 0.6-1.2 s otherwise
//     comma                       70 %: 0.12-0.50 s; 30 %: 0.03-0.12 s
//     ; : -- ... and "!"/"?" that do not end the sentence, and the gap before
//       an opening quote          85 %: 0.20-0.70 s; 15 %: 0.05-0.15 s
//     hesitation or emphasis      at a plain gap, 0.3-0.9 s, with probability 12 % before a
//                                 preposition, conjunction or relative word ("of", "and",
//                                 "which", "que", "dans", "y", "porque", ...) and 3.5 % before
//                                 any other word: about 5-8 % of plain gaps
//     breath                      once 14-24 words (drawn each time) have gone by with no
//                                 pause of 0.3 s or more: 0.30-0.60 s at a plain gap, with
//                                 probability 50 % before a word of that list and 25 % before
//                                 other words, and certain 6 words later
//   Lead-in before the first word: 0.2-1.5 s.
//
// Ground truth. A sentence ends after a word whose punctuation, with closing
// quotes and brackets taken off (" ' ” ’ » ) ]), ends in . ! ? or ….
// The word must also be the last of the text, or be followed by a word
// whose first letter is a capital, or a digit. Abbreviations ("Mr.", "Dr.",
// "M.", "Mme.", "Sr.", "Sra.", "D.") and single-letter initials never end
// one. So "sans pain ! tant que" is one sentence, "Il y a dans Paris… Mon
// Dieu" is two, and a colon or semicolon never ends a sentence. Tokens that
// are only punctuation (French " ?", " ;", «, Spanish ¿, the dash in
// "forward--and") are not words: each joins the word it belongs to.
//
// Tracks:
//   auto_vtt()    YouTube's automatic WebVTT, as in
//                 tests/youtube/fixtures/tdAutoRoll1/auto/en-orig.vtt. The header
//                 has "Kind: captions" and "Language: xx". Lines are 28-42
//                 characters, the length drawn for each line. Each cue shows the
//                 previous line above the new one. The new line carries inline
//                 <00:00:01.230><c> word</c> stamps (its first word starts with
//                 the cue), and a 10 ms cue repeats it alone. Words are spoken
//                 forms: lower case, punctuation stripped, apostrophes and
//                 hyphens inside words kept ("we're", "l'homme", "half-century").
//   auto_json3()  The same lines as YouTube json3: a window event, then one event
//                 per line (tStartMs, dDurationMs, segs of utf8 with tOffsetMs
//                 after the first), and a "\n" aAppend event between lines.
//   manual_vtt()  Uploaded captions: the words as written, with punctuation and
//                 case kept. A cue has one or two lines of up to 42 characters
//                 and closes after a sentence end once it holds 20 characters,
//                 or at a pause of 1.5 s. A word that would be left alone on
//                 the next cue takes the word before it along. & < > are escaped.
// The two rolling formats cannot tell a line that repeats the previous one,
// or that extends it ("so the" then "so the idea"), from YouTube's own
// repetition: parse_webvtt and parse_json3 drop such a line or merge it into
// the last. The layout therefore never makes such a line. It moves the
// line's last word to the next line, so every track parses back to exactly
// the spoken words.
//
// Noise (CaptionOptions::noise, off by default):
//   - a filler ("uh"/"um", "euh", "eh") in 30 % of hesitation pauses;
//   - a [Music] tag of 2-5 s before the first word;
//   - an [Applause] tag of 1.5-4 s after 4 % of sentence ends.
//   Tags are in the language of the track: [Musique]/[Applaudissements],
//   [Música]/[Aplausos]. They sit on lines of their own, as YouTube puts them.
//   The manual track keeps the tags and leaves out the fillers. Noise has its
//   own random stream, so the words' durations and gaps do not change. The
//   words after a tag only move later by the tag's length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace td::test {

struct CaptionWord {
  enum class Noise { none, filler, tag };
  std::string written;  // as in the text, punctuation attached: "Liberty,", "said,", "«La", "misère ?"
  std::string spoken;   // as automatic captions show it: spoken_form(written); tags keep "[Music]"
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  Noise noise = Noise::none;
  // Ground truth, for text words (noise == none):
  bool sentence_end = false;      // a sentence ends after this word
  bool paragraph_end = false;     // the text starts a new paragraph after it
  bool capitalized = false;       // its first letter is a capital in the text
  bool sentence_initial = false;  // first word of the text, or first after a sentence end
  bool clause_initial = false;    // after a colon, or opening a quotation: its capital tells nothing
};

struct CaptionOptions {
  unsigned seed = 1;
  double words_per_minute = 0;  // target rate; 0 = drawn from 130-170
  bool noise = false;           // fillers and [Music]-style tags (see above)
};

struct CaptionTrack {
  std::string language;
  unsigned seed = 1;               // the layout of the rolling lines is drawn from it too
  std::vector<CaptionWord> words;  // in spoken order, noise included
  double words_per_minute = 0;     // reached: text words per minute, first word start to last word end
  int64_t duration_ms = 0;         // end of the last word
  // The words of the text (noise left out), in order: the ground truth.
  std::vector<CaptionWord> text_words() const;
};

// Reads `text` aloud with the timing model above. `language` is an ISO code
// ("en", "fr", "es"; any other is timed like English).
CaptionTrack make_track(std::string_view text, const std::string& language, const CaptionOptions& options = {});

std::string auto_vtt(const CaptionTrack& track);
// "01:02:03.456": a WebVTT cue time.
std::string vtt_timestamp(int64_t ms);
std::string auto_json3(const CaptionTrack& track);
std::string manual_vtt(const CaptionTrack& track);

struct WriteOptions {
  bool manual = true;      // subs/<lang>.vtt
  bool auto_vtt = true;    // auto/<lang>-orig.vtt
  bool auto_json3 = true;  // auto/<lang>-orig.json3
  // When set, also info.json in the shape tests/youtube/fake-yt-dlp serves
  // (id, title, duration, language, the subtitles and automatic_captions
  // listings of the files written), so <fixtures>/<video_id> works as a fixture.
  std::string video_id;
  std::string title = "Caption fixture";
};

// Writes the tracks under dir in the fixture layout of tests/youtube/fixtures
// (dir is <fixtures>/<video_id> for the fake yt-dlp). Creates directories as
// needed and throws std::runtime_error when a file cannot be written.
void write_tracks(const CaptionTrack& track, const std::string& dir, const WriteOptions& options = {});

// --- Text helpers, shared with the benchmark so both sides are read alike ---

// How automatic captions write a token: lower case (ASCII and Latin-1/Latin
// Extended-A letters), everything but letters and digits dropped. An
// apostrophe or hyphen between two letters or digits stays, and so does a
// '.' or ',' between two digits ("5,400"). "Liberty," -> "liberty",
// "L'Homme" -> "l'homme", "$60" -> "60", "U.S." -> "us".
std::string spoken_form(std::string_view token);

// The word tokens of a text, split on whitespace, with punctuation-only
// tokens joined to their word and "--"/"—" inside a token split after the
// dash. Each token carries its written form. paragraph_end is true when a
// line break follows it.
struct TextToken {
  std::string written;
  bool paragraph_end = false;
};
std::vector<TextToken> text_tokens(std::string_view text);

// The written form ends in . ! ? or … once closing quotes and brackets are
// taken off, and is not an abbreviation or initial ("Mr.", "M.", "F.").
// Whether the next word starts with a capital is not looked at.
bool ends_with_terminal(std::string_view written);
// +1 when the first letter is a capital, -1 when it is lower case, 0 when
// there is no letter.
int letter_case(std::string_view token);

// --- The speeches ---

struct Speech {
  std::string name;      // "en/kennedy_rice_1962"
  std::string language;  // its folder: "en"
  std::string text;
};
// Every <lang>/*.txt under dir, sorted by name. By default dir is
// $TUBEDIGEST_SOURCE_DIR/tests/speeches, or the source tree's tests/speeches
// when that is unset. Throws std::runtime_error when the folder holds no
// speech.
std::vector<Speech> load_speeches(const std::string& dir = "");
// A seed from a name (FNV-1a), so each speech gets its own speaker.
unsigned seed_for(std::string_view name);

}  // namespace td::test
