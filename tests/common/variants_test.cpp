#include <doctest/doctest.h>

#include "variants/variants.h"

using td::Level;

TEST_CASE("variant names parse and keep their spelling") {
  CHECK(td::parse_variant("comprehensive").name() == "comprehensive");
  CHECK(td::parse_variant(" bullet-points ").name() == "bullet-points");
  auto fr = td::parse_variant("audio-fr:beginner");
  CHECK(fr.base == "audio-fr");
  CHECK(fr.level == Level::beginner);
  CHECK(fr.target_language() == "fr");
  CHECK(fr.is_audio());
  CHECK(fr.name() == "audio-fr:beginner");
  CHECK(td::parse_variant("audio-es").effective_level() == Level::intermediate);
  CHECK(td::parse_variant("audio-es:intermediate").name() == "audio-es");
  CHECK_FALSE(td::parse_variant("key-insights").is_audio());
  CHECK(td::parse_variant("audio").target_language().empty());
}

TEST_CASE("unknown variants are refused with the valid list") {
  CHECK_THROWS_AS(td::parse_variant("summary"), td::UnknownVariant);
  CHECK_THROWS_AS(td::parse_variant("audio:beginner"), td::UnknownVariant);
  CHECK_THROWS_AS(td::parse_variant("audio-fr:expert"), td::UnknownVariant);
  CHECK_THROWS_AS(td::parse_variant("comprehensive:advanced"), td::UnknownVariant);
  try {
    td::parse_variant("audio-de");
    FAIL("accepted audio-de");
  } catch (const td::UnknownVariant& e) {
    std::string msg = e.what();
    CHECK(msg.find("audio-de") != std::string::npos);
    CHECK(msg.find("key-insights") != std::string::npos);
    CHECK(msg.find("audio-fr:beginner") != std::string::npos);
  }
}

TEST_CASE("variant lists fold duplicates and keep order") {
  auto list = td::parse_variant_list("audio-fr, comprehensive,audio-fr:intermediate,,audio");
  CHECK(td::join_names(list) == "audio-fr,comprehensive,audio");
  CHECK(td::join_names(td::parse_variant_list(td::kDefaultVariants)) == td::kDefaultVariants);
}

TEST_CASE("find_variant returns the variant parse_variant would, and nothing for an unknown name") {
  for (auto name : {"comprehensive", " bullet-points ", "key-insights", "audio", "audio-fr:beginner", "audio-es",
                    "audio-es:intermediate", "audio-fr:advanced"}) {
    CAPTURE(name);
    auto found = td::find_variant(name);
    REQUIRE(found.has_value());
    CHECK(*found == td::parse_variant(name));
    CHECK(found->level == td::parse_variant(name).level);
  }
  CHECK(td::find_variant("audio-fr:beginner")->target_language() == "fr");
  for (auto name : {"", "summary", "audio:beginner", "audio-fr:expert", "comprehensive:advanced", "audio-de"}) {
    CAPTURE(name);
    CHECK_FALSE(td::find_variant(name).has_value());
    CHECK_THROWS_AS(td::parse_variant(name), td::UnknownVariant);
  }
}
