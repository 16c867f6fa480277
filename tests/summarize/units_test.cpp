#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "summarize/text.h"
#include "summarize/units.h"
#include "transcript_gen.h"

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
  double last = -1;
  for (auto& u : units) {
    CHECK(u.words <= 18);
    CHECK(u.words >= 4);
    CHECK(u.start >= last);
    last = u.start;
    char end = u.text.back();
    CHECK((end == '.' || end == '?' || end == '!'));
    CHECK(std::isupper(static_cast<unsigned char>(u.text[0])));
  }
}

TEST_CASE("punctuated text splits at sentence ends and keeps abbreviations") {
  SummaryInput in;
  in.text = "Dr. Smith explains the grid in detail today. It is old! Is it ready for renewables? "
            "[Applause] Yes, um, with new lines, storage and smarter markets it can be.";
  auto units = make_units(clean_transcript(in, "en", 60), 30, 3);
  REQUIRE(units.size() == 4);
  CHECK(units[0].text == "Dr. Smith explains the grid in detail today.");
  CHECK(units[2].question);
  CHECK(units[3].text.find("um") == std::string::npos);
  CHECK(units[3].text.find("Applause") == std::string::npos);
}

// Found on the Gettysburg Address: long sentences cut at the word limit gave
// "... to that cause for." and "... that these dead shall." / "Shall have a new birth".
TEST_CASE("units: long sentences are not cut after a function word nor before a modal") {
  const char* dir = std::getenv("TUBEDIGEST_SOURCE_DIR");
  std::ifstream f(std::string(dir ? dir : ".") + "/tests/summarize/gettysburg.txt");
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  SummaryInput in;
  in.text = ss.str();
  in.transcript_language = "en";
  auto clean = clean_transcript(in, "en", 130);
  const std::set<std::string> dangling = {"the", "a", "of", "to", "for", "that", "which", "shall", "our", "we"};
  const std::set<std::string> no_start = {"shall", "not", "have", "of", "to"};
  int pieces = 0;
  for (int max_words = 12; max_words <= 35; ++max_words) {
    for (auto& u : make_units(clean, max_words, 4)) {
      CAPTURE(max_words);
      CAPTURE(u.text);
      CHECK(u.words <= max_words);
      if (u.whole) continue;
      ++pieces;
      CHECK_FALSE(dangling.count(lower(strip_punct(u.tokens.back()))));
      CHECK_FALSE(no_start.count(lower(strip_punct(u.tokens.front()))));
    }
  }
  CHECK(pieces > 100);  // the speech's long sentences were really cut
}
