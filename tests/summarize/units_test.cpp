#include <doctest/doctest.h>

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
