#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "summarize/lexicon.h"
#include "summarize/text.h"
#include "summarize/units.h"
#include "transcript_gen.h"
#include "whole_units.h"

using namespace td::summarize;

TEST_CASE("auto-captions without punctuation become short pseudo-sentences") {
  testing::GenOptions g;
  g.minutes = 10;
  g.auto_captions = true;
  auto in = testing::generate_transcript(g);
  std::string raw = transcript_text(in);
  CHECK(raw.find('.') == std::string::npos);
  CHECK(raw.find("[Music]") != std::string::npos);
  auto clean = clean_transcript(in, "en", in.duration_seconds);
  for (auto& w : clean.words) {
    CHECK(w.text.find('[') == std::string::npos);
    CHECK(lower(w.text) != "um");
  }
  auto units = make_units(clean, 18);
  CHECK(units.size() > 60);
  CHECK(clean.punctuated);
  double last = -1;
  int short_units = 0;
  for (auto& u : units) {
    CAPTURE(u.text);
    // Without word timings the restorer splits runs over 25 words at their
    // most likely boundary (a caption line start at least); a run with no
    // such place stays whole: nothing is cut at a word count.
    CHECK(u.words <= 50);
    short_units += u.words <= 18;
    CHECK(u.words >= 4);
    CHECK_FALSE(lexicon::never_ends(lower(strip_punct(u.tokens.back()))));
    CHECK(u.start >= last);
    last = u.start;
    char end = u.text.back();
    CHECK((end == '.' || end == '?' || end == '!'));
    CHECK(std::isupper(static_cast<unsigned char>(u.text[0])));
  }
  CHECK(short_units * 10 > static_cast<int>(units.size()) * 6);
}

TEST_CASE("punctuated text splits at sentence ends and keeps abbreviations") {
  SummaryInput in;
  in.text =
      "Dr. Smith explains the grid in detail today. It is old! Is it ready for renewables? "
      "[Applause] Yes, um, with new lines, storage and smarter markets it can be.";
  auto units = make_units(clean_transcript(in, "en", 60), 30, 3);
  REQUIRE(units.size() == 4);
  CHECK(units[0].text == "Dr. Smith explains the grid in detail today.");
  CHECK(units[2].question);
  CHECK(units[3].text.find("um") == std::string::npos);
  CHECK(units[3].text.find("Applause") == std::string::npos);
}

std::string read_source(const std::string& rel) {
  const char* dir = std::getenv("TUBEDIGEST_SOURCE_DIR");
  std::ifstream f(std::string(dir ? dir : ".") + "/" + rel);
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Found on the Gettysburg Address: long sentences cut at the word limit gave
// "... to that cause for." and "... that these dead shall." / "Shall have a
// new birth". Units now start and end only at the source's own boundaries.
TEST_CASE("units: long sentences split only at clause boundaries, into statements") {
  SummaryInput in;
  in.text =
      read_source("tests/summarize/gettysburg.txt") + "\n" + read_source("tests/summarize/declaration_preamble.txt");
  in.transcript_language = "en";
  auto clean = clean_transcript(in, "en", 180);
  CHECK_FALSE(clean.punctuated);  // pasted punctuation is kept
  CHECK_FALSE(clean.cased);
  auto src = testing::source_words(in.text);
  int pieces = 0, long_whole = 0;
  for (int max_words = 12; max_words <= 35; ++max_words) {
    for (auto& u : make_units(clean, max_words, 4)) {
      CAPTURE(max_words);
      CAPTURE(u.text);
      CHECK(testing::is_whole_unit(u.text, src));
      if (u.whole) {
        long_whole += u.words > max_words;
        continue;
      }
      ++pieces;
      auto first = lower(strip_punct(u.tokens.front()));
      CHECK_FALSE(lexicon::subordinates(first));
      CHECK_FALSE(lexicon::never_ends(lower(strip_punct(u.tokens.back()))));
    }
  }
  CHECK(pieces > 20);      // long sentences do split where they can
  CHECK(long_whole > 10);  // and stay whole where they cannot
  // The examples.
  auto units = make_units(clean, 18, 4);
  for (auto& u : units) {
    CAPTURE(u.text);
    CHECK(u.text.find("last full.") == std::string::npos);
    CHECK(u.text != "When in the Course of human events.");
    CHECK(u.text.rfind("To assume among", 0) != 0);
  }
}

TEST_CASE("units: a dash inside a token or standing alone is a clause boundary that stays in the text") {
  SummaryInput in;
  in.text =
      "We can not dedicate -- we can not consecrate -- we can not hallow -- this ground of ours today. "
      "It is rather for us to be here dedicated to the great task remaining before us\xE2\x80\x94that from "
      "these honored dead we take increased devotion to that cause for which they gave the last full measure.";
  auto clean = clean_transcript(in, "en", 60);
  auto units = make_units(clean, 40, 4);
  REQUIRE(units.size() == 2);
  CHECK(units[0].text ==
        "We can not dedicate -- we can not consecrate -- we can not hallow -- this ground of ours today.");
  auto short_units = make_units(clean, 18, 4);
  bool saw_prefix = false;
  for (auto& u : short_units) {
    CAPTURE(u.text);
    CHECK(testing::is_whole_unit(u.text, testing::source_words(in.text)));
    saw_prefix =
        saw_prefix || u.text == "It is rather for us to be here dedicated to the great task remaining before us.";
  }
  CHECK(saw_prefix);
}

TEST_CASE("units: a speaker change (>>) in automatic captions ends a sentence") {
  SummaryInput in;
  in.text =
      "so what do you think about the new rockets and the launch schedule for next year >> well i think "
      "they will fly before the summer if the weather holds and the engines pass their tests";
  auto clean = clean_transcript(in, "en", 60);
  auto units = make_units(clean, 40, 4);
  REQUIRE(units.size() >= 2);
  CHECK(units[0].text.find(">>") == std::string::npos);
  bool split = false;
  for (auto& u : units) split = split || u.text.find("next year.") != std::string::npos;
  CHECK(split);
}
