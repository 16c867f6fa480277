#include <doctest/doctest.h>

#include <random>

#include "common/errors.h"
#include "tts/script.h"

using td::tts::clean_script;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::string words_only(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

}  // namespace

TEST_CASE("markdown is read as prose: headings and list items end sentences, markup disappears") {
  auto out = clean_script(
      "# The Big Picture\n\n**Bold** claim with _emphasis_ and `code`.\n\n- first point\n- second point\n1. numbered item\n> quoted line\n---\n");
  CHECK(out ==
        "The Big Picture. Bold claim with emphasis and code. first point. second point. numbered item. quoted line.");
}

TEST_CASE("links keep their text, images their alt text, bare URLs vanish with their punctuation kept") {
  auto out = clean_script(
      "Read [the paper](https://arxiv.org/abs/1234) and ![a chart](img.png). See https://example.com/x?y=1. Or www.test.org, today.");
  CHECK(out == "Read the paper and a chart. See. Or, today.");
  CHECK_FALSE(contains(out, "http"));
  CHECK_FALSE(contains(out, "arxiv"));
}

TEST_CASE("emoji, pictographs and CJK are dropped; accents, ¿ ¡ and typographic quotes survive as speakable text") {
  CHECK(clean_script("Great news 🎉🚀 for everyone 👍🏽!") == "Great news for everyone!");
  CHECK(clean_script("Family: 👨‍👩‍👧 ok ✅ ★ ♥ 中文 fine") == "Family: ok fine.");
  CHECK(clean_script("L’été est très chaud… «Oui» — dit-il") == "L'été est très chaud... \"Oui\", dit-il.");
  CHECK(clean_script("¿Qué tal? ¡Muy bien, señor!") == "¿Qué tal? ¡Muy bien, señor!");
}

TEST_CASE("HTML tags, comments and entities are removed or decoded; code blocks are not read") {
  CHECK(clean_script("<p>Tom &amp; Jerry</p><br/><!-- hidden --><b>bold</b> &#233;t&eacute; x < y &bogus; z") ==
        "Tom & Jerry. bold été x y z.");
  CHECK(clean_script("Before.\n```python\nprint('x')\n```\nAfter.") == "Before. After.");
  CHECK(clean_script("| Name | Age |\n|---|---|\n| Ann | 30 |") == "Name, Age. Ann, 30.");
}

TEST_CASE("invalid UTF-8 and control bytes never crash and never reach the engine") {
  std::string bad = "ok \xff\xfe text \xc3 more \xe2\x82 end\x01\x02 \xed\xa0\x80 x";
  auto out = clean_script(bad);
  CHECK(valid_utf8(out));
  CHECK(out == "ok text more end x.");

  std::mt19937 rng(42);
  std::string noise(100 * 1024, '\0');
  for (auto& c : noise) c = char(rng() & 0xff);
  auto cleaned = clean_script(noise);
  CHECK(valid_utf8(cleaned));
  CHECK(cleaned.size() < noise.size());
}

TEST_CASE("nothing speakable is detected after cleaning") {
  CHECK_FALSE(td::tts::has_speakable_text(clean_script("🎉🎉 *** ``` https://x.y ... ---")));
  CHECK(td::tts::has_speakable_text(clean_script("🎉 ok")));
  CHECK(td::tts::has_speakable_text("été"));
}

TEST_CASE("splitting keeps every chunk under the limit and cuts at sentence ends first") {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "Sentence number " + std::to_string(i) + " says something useful. ";
  auto cleaned = clean_script(text);
  auto chunks = td::tts::split_sentences(cleaned, 500);
  REQUIRE(chunks.size() > 5);
  std::string joined;
  for (auto& c : chunks) {
    CHECK(c.size() <= 500);
    CHECK(c.back() == '.');  // every cut is at a sentence end
    joined += (joined.empty() ? "" : " ") + c;
  }
  CHECK(joined == cleaned);
}

TEST_CASE("a sentence longer than the limit is cut at commas, then spaces, then characters") {
  std::string clauses;
  for (int i = 0; i < 50; ++i) clauses += "clause " + std::to_string(i) + ", ";
  clauses += "end.";
  for (auto& c : td::tts::split_sentences(clauses, 60)) {
    CHECK(c.size() <= 60);
    CHECK((c.back() == ',' || c.back() == '.'));
  }
  std::string words;
  for (int i = 0; i < 100; ++i) words += "word ";
  auto w = td::tts::split_sentences(words, 64);
  CHECK(w.size() >= 8);
  for (auto& c : w) CHECK(c.size() <= 64);

  std::string huge;
  for (int i = 0; i < 300; ++i) huge += "é";  // one 600-byte "word" of 2-byte characters
  auto h = td::tts::split_sentences(huge, 101);
  std::string back;
  for (auto& c : h) {
    CHECK(c.size() <= 101);
    CHECK(valid_utf8(c));
    back += c;
  }
  CHECK(back == huge);
  CHECK(words_only(back) == words_only(huge));
}

TEST_CASE("prepare_script refuses empty, unspeakable and oversized scripts with permanent errors") {
  auto reason = [](const std::string& script, size_t max) -> std::string {
    try {
      td::tts::prepare_script(script, 4000, max);
    } catch (const td::PermanentError& e) {
      return e.reason();
    }
    return "";
  };
  CHECK(reason("", 1000) == "empty_script");
  CHECK(reason("  \n\t ", 1000) == "empty_script");
  CHECK(reason("🎉🔥 **  ** https://example.com", 1000) == "empty_script");
  CHECK(reason(std::string(2000, 'a'), 1000) == "script_too_long");
  CHECK(reason("Hello there.", 1000) == "");
}

TEST_CASE("words are counted as a reader counts them: tokens with a letter or digit") {
  CHECK(td::tts::count_spoken_words("") == 0);
  CHECK(td::tts::count_spoken_words("Hello, world.") == 2);
  CHECK(td::tts::count_spoken_words("L'intervenant part d'une observation simple : la plupart sous-estiment.") == 8);
  CHECK(td::tts::count_spoken_words("¿Qué tal? ¡Muy bien, señor! -- 42 ...") == 6);
  CHECK(td::tts::count_spoken_words("  many   spaces\nand\tlines  ") == 4);
}

TEST_CASE("prepare_paragraphs keeps paragraphs apart, and its chunks hold prepare_script's text") {
  std::string script =
      "# Title\n\nFirst paragraph, first sentence. Second sentence.\nStill the first paragraph.\n\n"
      "- an item\n- another item\n\n\"\"\n\nLast paragraph.";
  auto paragraphs = td::tts::prepare_paragraphs(script, 4000, 100000);
  std::vector<std::string> firsts;
  std::string joined;
  for (auto& p : paragraphs) {
    REQUIRE_FALSE(p.empty());
    firsts.push_back(p.front());
    for (auto& chunk : p) joined += (joined.empty() ? "" : " ") + chunk;
  }
  // The quotes-only paragraph says nothing and is left out.
  CHECK(firsts == std::vector<std::string>{
                      "Title.", "First paragraph, first sentence. Second sentence. Still the first paragraph.",
                      "an item.", "another item.", "Last paragraph."});
  std::string flat;
  for (auto& chunk : td::tts::prepare_script(script, 4000, 100000)) flat += (flat.empty() ? "" : " ") + chunk;
  CHECK(
      flat ==
      "Title. First paragraph, first sentence. Second sentence. Still the first paragraph. an item. another item. \"\" Last paragraph.");
  CHECK(
      joined ==
      "Title. First paragraph, first sentence. Second sentence. Still the first paragraph. an item. another item. Last paragraph.");

  // A long paragraph is cut at sentences like prepare_script's text; no chunk spans two.
  std::string longer;
  for (int i = 0; i < 40; ++i) longer += "Sentence " + std::to_string(i) + " of the first paragraph. ";
  longer += "\n\nThe second paragraph.";
  auto cut = td::tts::prepare_paragraphs(longer, 200, 100000);
  REQUIRE(cut.size() == 2);
  CHECK(cut[0].size() > 5);
  for (auto& chunk : cut[0]) CHECK(chunk.size() <= 200);
  CHECK(cut[1] == std::vector<std::string>{"The second paragraph."});

  CHECK_THROWS_AS(td::tts::prepare_paragraphs("🎉 **", 4000, 100000), td::PermanentError);
  CHECK_THROWS_AS(td::tts::prepare_paragraphs(std::string(2000, 'a'), 4000, 1000), td::PermanentError);
}
