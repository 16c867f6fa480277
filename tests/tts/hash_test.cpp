#include <doctest/doctest.h>

#include "tts/hash.h"

using namespace td::tts;

TEST_CASE("sha256_hex matches the FIPS 180-2 test vectors") {
  CHECK(td::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(td::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("the reuse hash changes with any of script, engine, voice and rate, and only with them") {
  auto base = reuse_hash("Hello.", "espeak", "en-us", "wpm=175");
  CHECK(base.size() == 64);
  CHECK(base == reuse_hash("Hello.", SpeechPlan{"espeak", "en-us", "wpm=175"}));
  CHECK(base != reuse_hash("Hello!", "espeak", "en-us", "wpm=175"));
  CHECK(base != reuse_hash("Hello.", "openai:tts-1", "en-us", "wpm=175"));
  CHECK(base != reuse_hash("Hello.", "espeak", "en-gb", "wpm=175"));
  CHECK(base != reuse_hash("Hello.", "espeak", "en-us", "wpm=125"));
  // Field boundaries matter: moving a character between fields is a change.
  CHECK(reuse_hash("s", "ab", "c", "r") != reuse_hash("s", "a", "bc", "r"));
}
