// Chatty wrappers and the per-variant format checks: the preambles and sign-offs local models really write come off,
// clean answers stay byte for byte, and what is left is rejected by QA.
#include <doctest/doctest.h>

#include "summarize/extractive.h"
#include "summarize/qa.h"
#include "summarize/spec.h"
#include "summarize/text.h"
#include "summarize/wrappers.h"
#include "transcript_gen.h"

using namespace td::summarize;

namespace {

const std::string kScript =
    "This video is about the Declaration of Independence. Thomas Jefferson wrote most of it in June 1776.\n\n"
    "It says that all people are created equal. It ends with a promise of lives, fortunes and honour.";
const std::string kBullets =
    "- The Declaration explains why the colonies separate from Britain.\n"
    "- It lists the grievances against the king.\n\n"
    "Bottom line: the colonies declared themselves free and independent states.";
const std::string kInsights =
    "**Equal rights**: All people are created equal. Governments get their power from consent.\n\n"
    "**A long list**: The text names the king's abuses one by one.";

QaContext ctx_for(const std::string& variant, const std::string& text) {
  auto v = td::parse_variant(variant);
  return QaContext{&spec_for(v), v, target_for(spec_for(v), v, 1200, 9000), "en", text};
}

std::optional<std::string> check(const std::string& name, const std::string& variant, const std::string& text) {
  return check_named(name)(ctx_for(variant, text));
}

}  // namespace

TEST_CASE("strip_wrappers: preambles local models write come off the first line") {
  const char* preambles[] = {
      "Here is the script:",
      "Here's the script:",
      "Here is a spoken summary script of the video:",
      "Sure! Here is the summary of the video \"The Declaration\":",
      "Sure! Here are the key insights from the video:",
      "Certainly! Here's a comprehensive summary of the video:",
      "Okay, here's a summary of the video in bullet points:",
      "Of course. Here are the bullet points:",
      "Absolutely! Below is a spoken-style script for the video:",
      "**Summary:**",
      "**Key Insights:**",
      "# Summary",
      "## Main points",
      "Script:",
      "Sure!",
      "Certainly!",
      "Voici le résumé :",
      "Voici le résumé de la vidéo « La Déclaration » :",
      "Bien sûr ! Voici les points clés de la vidéo :",
      "Voici un script à lire à voix haute :",
      "Aquí tienes el resumen:",
      "¡Claro! Aquí tienes los puntos clave del vídeo:",
      "Aquí está el guion:",
      "Claro, aquí tienes un resumen del video:",
      "Hier ist die Zusammenfassung:",
      "Gerne! Hier sind die wichtigsten Punkte:",
      "Aqui está o resumo:",
      "Claro! Aqui estão os pontos principais:",
      "Ecco il riassunto:",
      "Certo! Ecco i punti chiave del video:",
  };
  for (const char* p : preambles) {
    CAPTURE(p);
    auto u = strip_wrappers(std::string(p) + "\n\n" + kScript);
    CHECK(u.text == kScript);
    REQUIRE(u.removed.size() == 1);
    CHECK(u.removed[0] == p);
  }
  // Stacked: an interjection, a title and a presenter.
  auto u = strip_wrappers("Sure!\n\n# Summary\n\nHere are the bullet points:\n\n" + kBullets);
  CHECK(u.text == kBullets);
  CHECK(u.removed.size() == 3);
  // On the same line as the content (how the MP3 came to say it).
  CHECK(strip_wrappers("Here is the script: " + kScript).text == kScript);
  CHECK(strip_wrappers("**Here is the summary:** " + kScript).text == kScript);
}

TEST_CASE("strip_wrappers: sign-offs come off the last lines") {
  const char* sign_offs[] = {
      "I hope this helps!",
      "I hope this summary helps you understand the video.",
      "Let me know if you need any changes or a shorter version!",
      "Let me know if you'd like me to adjust the length.",
      "Feel free to ask if you have any questions!",
      "Would you like me to translate it into another language?",
      "If you have any other questions, just ask.",
      "Note: This summary is based only on the transcript provided.",
      "(Word count: 312)",
      "Word count: 245",
      "(287 words)",
      "J'espère que cela vous aide !",
      "J’espère que ce résumé vous sera utile.",
      "N'hésitez pas à me demander si vous voulez plus de détails.",
      "Espero que esto te ayude.",
      "¡Espero que te sirva!",
      "No dudes en preguntar si necesitas algo más.",
      "Ich hoffe, das hilft!",
      "Espero que isso ajude!",
      "Spero che questo ti sia utile!",
      "---",
  };
  for (const char* s : sign_offs) {
    CAPTURE(s);
    auto u = strip_wrappers(kScript + "\n\n" + s);
    CHECK(u.text == kScript);
    CHECK(u.removed.size() == 1);
  }
  // The bullets: wrapped at both ends, the sign-off on the next line.
  auto u = strip_wrappers("Here are the bullet points:\n\n" + kBullets + "\nI hope this helps!");
  CHECK(u.text == kBullets);
  u = strip_wrappers("Sure! Here are the key insights from the video:\n\n" + kInsights +
                     "\n\n---\n\nI hope this helps! Let me know if you need anything else.");
  CHECK(u.text == kInsights);
}

TEST_CASE("strip_wrappers: clean answers and content lines are untouched") {
  CHECK(strip_wrappers(kScript).removed.empty());
  CHECK(strip_wrappers(kScript).text == kScript);
  CHECK(strip_wrappers(kBullets).text == kBullets);
  CHECK(strip_wrappers(kInsights).text == kInsights);
  const char* content_firsts[] = {
      "Here is a short summary of the video \"JFK: Rice University\".",  // the extractive intro, a colon in the title
      "This video is about the Declaration of Independence.",
      "Here are three reasons the speaker gives for going to the Moon:",  // content, no answer named
      "**Key takeaway**: the colonies declared independence.",            // an insight, not a title
      "- Here is the first bullet of the summary.",
      "Summary of the argument: equality comes first, then consent.",
      "So the speaker opens with a question.",
  };
  for (const char* f : content_firsts) {
    CAPTURE(f);
    std::string text = std::string(f) + "\n\n" + kScript;
    CHECK(strip_wrappers(text).text == text);
  }
  const char* content_lasts[] = {
      "That is the end of this summary.",                     // the extractive outro
      "I hope you enjoyed this short summary of the video.",  // a closing sentence the audio prompt asks for
      "Bottom line: the colonies declared independence.",
      "- Let me know if the bullets are too long.",  // a bullet is content
      "He hopes this helps the colonies.",
  };
  for (const char* l : content_lasts) {
    CAPTURE(l);
    std::string text = kScript + "\n\n" + l;
    CHECK(strip_wrappers(text).text == text);
  }
  // An answer that is nothing but a wrapper is left for QA to reject.
  CHECK(strip_wrappers("I hope this helps!").text == "I hope this helps!");
}

TEST_CASE("no_chatter rejects a wrapper left in the middle, and passes clean text") {
  CHECK_FALSE(check("no_chatter", "audio", kScript));
  CHECK_FALSE(check("no_chatter", "bullet-points", kBullets));
  CHECK_FALSE(check("no_chatter", "comprehensive", "Here is a short summary of the video. " + kScript));
  auto mid = check("no_chatter", "audio", kScript + "\n\nHere is the rest of the script:\n\n" + kScript);
  REQUIRE(mid);
  CHECK(mid->find("preamble") != std::string::npos);
  CHECK(check("no_chatter", "comprehensive", kScript + "\n\nI hope this helps!\n\n" + kScript));
  CHECK(check("no_chatter", "comprehensive", kScript + "\n\n¡Espero que te sirva!\n\n" + kScript));
  CHECK(check("no_chatter", "comprehensive", "Voici le résumé :\n\n" + kScript));
}

TEST_CASE("bullet_markup: only \"- \" bullets and the bottom line, no headings, no emphasis") {
  CHECK_FALSE(check("bullet_markup", "bullet-points", kBullets));
  // The answer.
  auto r = check("bullet_markup", "bullet-points",
                 "# Summary\n\n## Main points\n\n- **The Declaration** explains the break.\n\nBottom line: free.");
  REQUIRE(r);
  CHECK(r->find("heading") != std::string::npos);
  r = check("bullet_markup", "bullet-points", "- **The Declaration** explains the break.\n\nBottom line: free.");
  REQUIRE(r);
  CHECK(r->find("bold") != std::string::npos);
  CHECK(check("bullet_markup", "bullet-points", "- The *Declaration* explains it.\n\nBottom line: free."));
  CHECK(check("bullet_markup", "bullet-points", "- The Declaration explains it.\n\n**Bottom line:** free."));
  CHECK(check("bullet_markup", "bullet-points", "* The Declaration explains it.\n\nBottom line: free."));
  CHECK(check("bullet_markup", "bullet-points", "1. The Declaration explains it.\n\nBottom line: free."));
  CHECK(check("bullet_markup", "bullet-points", "The main points are these.\n- One.\n\nBottom line: free."));
  // How captions censor a word is not markup.
  CHECK_FALSE(check("bullet_markup", "bullet-points", "- He said [ __ ] twice on air.\n\nBottom line: free."));
}

TEST_CASE("insight_markup: every line is **Headline**: body") {
  CHECK_FALSE(check("insight_markup", "key-insights", kInsights));
  CHECK_FALSE(check("insight_markup", "key-insights", "**Equal rights:** All people are created equal."));
  CHECK(check("insight_markup", "key-insights", "## Key insights\n\n" + kInsights));
  CHECK(check("insight_markup", "key-insights", "- **Equal rights**: All people are created equal."));
  CHECK(check("insight_markup", "key-insights", "**Equal rights**\nAll people are created equal."));
  CHECK(check("insight_markup", "key-insights", "Equal rights: all people are created equal."));
}

TEST_CASE("prose_markup: plain paragraphs only") {
  CHECK_FALSE(check("prose_markup", "comprehensive", kScript));
  CHECK(check("prose_markup", "comprehensive", "# The Declaration\n\n" + kScript));
  CHECK(check("prose_markup", "comprehensive", kScript + "\n\n- one point\n- another point"));
  CHECK(check("prose_markup", "comprehensive", "The **Declaration** says all are equal."));
  CHECK(check("prose_markup", "comprehensive", "The Declaration says _all_ are equal."));
}

TEST_CASE("the format checks are registered per variant and pass the extractive summaries") {
  auto has = [](const char* variant, const char* name) {
    auto& c = spec_for(variant).checks;
    return std::find(c.begin(), c.end(), name) != c.end();
  };
  CHECK(has("comprehensive", "prose_markup"));
  CHECK(has("bullet-points", "bullet_markup"));
  CHECK(has("key-insights", "insight_markup"));
  CHECK(has("audio", "plain_speech"));
  for (const char* v : {"comprehensive", "bullet-points", "key-insights", "audio", "audio-fr", "audio-es"})
    CHECK(has(v, "no_chatter"));
  testing::GenOptions g;
  g.minutes = 20;
  auto input = testing::generate_transcript(g);
  ExtractiveSummarizer ex;
  for (const char* name : {"comprehensive", "bullet-points", "key-insights", "audio"}) {
    CAPTURE(name);
    auto v = td::parse_variant(name);
    auto out = ex.summarize(input, v, {});
    QaContext ctx{&spec_for(v), v, target_for(spec_for(v), v, 1200, count_words(transcript_text(input))), "en",
                  out.text};
    for (const char* c : {"no_chatter", "prose_markup", "bullet_markup", "insight_markup"}) {
      if (!has(name, c)) continue;
      CAPTURE(c);
      CHECK_FALSE(check_named(c)(ctx));
    }
    CHECK(strip_wrappers(out.text).text == out.text);
  }
}
