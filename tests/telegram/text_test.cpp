// escape_html and split_message: parts within the limit, cut where a reader
// would cut, never inside a tag, an entity or a UTF-8 sequence, and each
// part valid HTML on its own (checked with the mock's parser, as Telegram
// would check it).
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "telegram/html_check.h"
#include "telegram/text.h"

using td::telegram::escape_html;
using td::telegram::split_message;
using td::telegram::telegram_length;
using td::telegram::test::parse_html;

namespace {

std::string join(const std::vector<std::string>& parts, const std::string& sep = "") {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// The text without whitespace: what the cuts may change is whitespace only.
std::string folded(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r') out += c;
  return out;
}

// Every part within the limit, valid on its own and with some text; the
// visible text of the parts, joined, is the original's (up to the
// whitespace at the cuts).
void check_parts(const std::string& html, const std::vector<std::string>& parts, size_t limit) {
  for (const auto& p : parts) {
    CHECK(telegram_length(p) <= limit);
    auto parsed = parse_html(p);
    CHECK_MESSAGE(!parsed.error, *parsed.error << " in: " << p);
    CHECK_FALSE(folded(parsed.text).empty());
  }
  std::string joined;
  for (const auto& p : parts) joined += parse_html(p).text;
  CHECK(folded(joined) == folded(parse_html(html).text));
}

}  // namespace

TEST_CASE("text: escape_html escapes &, < and > only") {
  CHECK(escape_html("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d");
  CHECK(escape_html("\"quotes\" and 'apostrophes' stay") == "\"quotes\" and 'apostrophes' stay");
  CHECK(escape_html("") == "");
  CHECK(escape_html("résumé ☕") == "résumé ☕");
}

TEST_CASE("text: telegram_length counts UTF-16 units, markup included") {
  CHECK(telegram_length("abc") == 3);
  CHECK(telegram_length("é") == 1);
  CHECK(telegram_length("☕") == 1);
  CHECK(telegram_length("😀") == 2);
  CHECK(telegram_length("<b>x</b>") == 8);
}

TEST_CASE("text: a text within the limit is one part, unchanged; empty is none") {
  CHECK(split_message("").empty());
  CHECK(split_message("<b>hi</b>") == std::vector<std::string>{"<b>hi</b>"});
  std::string exact(4096, 'a');
  CHECK(split_message(exact) == std::vector<std::string>{exact});
  CHECK(split_message(exact + "a").size() == 2);
}

TEST_CASE("text: paragraph breaks are preferred to line ends, sentences and spaces") {
  std::string para1 = std::string(60, 'a') + ". " + std::string(20, 'b') + "\n" + std::string(20, 'c');
  std::string para2 = std::string(50, 'd') + " " + std::string(30, 'e');
  auto parts = split_message(para1 + "\n\n" + para2, 120);
  CHECK(parts == std::vector<std::string>{para1, para2});

  // No paragraph break within reach: the line end.
  std::string lines = std::string(70, 'a') + " x. " + std::string(10, 'b') + "\n" + std::string(70, 'c');
  CHECK(split_message(lines, 100).at(0) == std::string(70, 'a') + " x. " + std::string(10, 'b'));

  // No line end: the sentence end, then the space.
  std::string sentences = std::string(70, 'a') + ". " + std::string(10, 'b') + " " + std::string(70, 'c');
  CHECK(split_message(sentences, 100).at(0) == std::string(70, 'a') + ".");
  std::string words = std::string(70, 'a') + " " + std::string(10, 'b') + " " + std::string(70, 'c');
  CHECK(split_message(words, 100).at(0) == std::string(70, 'a') + " " + std::string(10, 'b'));

  // A paragraph break that would leave the part less than half full loses
  // to a later line end.
  std::string early = "Title\n\n" + std::string(80, 'a') + "\n" + std::string(80, 'b');
  CHECK(split_message(early, 100).at(0) == "Title\n\n" + std::string(80, 'a'));
}

TEST_CASE("text: a sentence end before a closing quote or tag counts") {
  std::string s = std::string(70, 'a') + " <i>said \"so.\"</i> " + std::string(10, 'b') + " " + std::string(60, 'c');
  auto parts = split_message(s, 100);
  CHECK(parts.at(0) == std::string(70, 'a') + " <i>said \"so.\"</i>");
}

TEST_CASE("text: tags open at a cut are closed and reopened") {
  std::string html = "<b>" + std::string(50, 'a') + " <a href=\"https://youtu.be/x\"><i>" + std::string(50, 'b') + " " +
                     std::string(50, 'c') + "</i></a> tail</b> end";
  auto parts = split_message(html, 100);
  REQUIRE(parts.size() == 4);
  check_parts(html, parts, 100);
  CHECK(parts[0] == "<b>" + std::string(50, 'a') + "</b>");
  CHECK(parts[1] == "<b><a href=\"https://youtu.be/x\"><i>" + std::string(50, 'b') + "</i></a></b>");
  // "</i></a> tail</b>" would take it to 102: the last space that fits.
  CHECK(parts[2] == "<b><a href=\"https://youtu.be/x\"><i>" + std::string(50, 'c') + "</i></a></b>");
  CHECK(parts[3] == "<b>tail</b> end");
}

TEST_CASE("text: pre and code blocks survive a cut") {
  std::string code;
  for (int i = 0; i < 200; ++i) code += "line " + std::to_string(i) + " &lt;x&gt;\n";
  std::string html = "Intro\n\n<pre><code class=\"language-cpp\">" + code + "</code></pre>\n\nOutro";
  auto parts = split_message(html, 500);
  check_parts(html, parts, 500);
  for (size_t i = 1; i + 1 < parts.size(); ++i) CHECK(parts[i].rfind("<pre><code class=\"language-cpp\">", 0) == 0);
}

TEST_CASE("text: entities and UTF-8 sequences are never cut") {
  std::string amps;
  for (int i = 0; i < 100; ++i) amps += "&amp;";
  for (size_t limit : {7, 8, 9, 10, 11, 13}) {
    auto parts = split_message(amps, limit);
    for (const auto& p : parts) {
      CHECK(p.size() % 5 == 0);
      CHECK(p.find("&amp;") == 0);
    }
    CHECK(join(parts) == amps);
  }
  std::string mixed;
  for (int i = 0; i < 300; ++i) mixed += "é☕😀a";
  for (size_t limit : {5, 6, 7, 50, 101}) {
    auto parts = split_message(mixed, limit);
    CHECK(join(parts) == mixed);
    for (const auto& p : parts) {
      CHECK(telegram_length(p) <= limit);
      CHECK(parse_html(p).text == p);
      // Each part starts on a character boundary and ends on one.
      CHECK((static_cast<unsigned char>(p.front()) & 0xC0) != 0x80);
      CHECK(telegram_length(p + "a") == telegram_length(p) + 1);
    }
  }
}

TEST_CASE("text: a 10,000-character text without spaces is cut at the limit") {
  std::string url = "https://example.org/" + std::string(9980, 'x');
  auto parts = split_message(url);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].size() == 4096);
  CHECK(parts[1].size() == 4096);
  CHECK(parts[2].size() == 10000 - 8192);
  CHECK(join(parts) == url);
  // Inside a link, the same, with the link reopened.
  std::string linked = "<a href=\"https://example.org/\">" + std::string(10000, 'y') + "</a>";
  auto lp = split_message(linked);
  check_parts(linked, lp, 4096);
}

TEST_CASE("text: generated documents split into valid parts at every limit") {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"word",
                                           "mot",
                                           "語",
                                           "😀",
                                           "&amp;",
                                           "&lt;",
                                           "x.",
                                           " ",
                                           " ",
                                           " ",
                                           "\n",
                                           "\n\n",
                                           "<b>",
                                           "</b>",
                                           "<i>",
                                           "</i>",
                                           "<code>",
                                           "</code>",
                                           "<a href=\"https://youtu.be/dQw4w9WgXcQ\">",
                                           "</a>"};
  for (int doc = 0; doc < 40; ++doc) {
    // Tags balanced and nested: a close tag only for the innermost open one.
    std::string html;
    std::vector<std::string> open;
    for (int k = 0; k < 1500; ++k) {
      const std::string& p = pieces[rng() % pieces.size()];
      if (p[0] == '<' && p[1] == '/') {
        if (!open.empty() && p == "</" + open.back() + ">") {
          html += p;
          open.pop_back();
        }
      } else if (p[0] == '<') {
        std::string name = p.substr(1, p.find_first_of(" >") - 1);
        bool nested = false;
        for (auto& o : open) nested |= o == name;
        if (!nested) {
          html += p;
          open.push_back(name);
        }
      } else {
        html += p;
      }
    }
    while (!open.empty()) {
      html += "</" + open.back() + ">";
      open.pop_back();
    }
    size_t limit = 60 + rng() % 600;
    auto parts = split_message(html, limit);
    CAPTURE(limit);
    check_parts(html, parts, limit);
  }
}
