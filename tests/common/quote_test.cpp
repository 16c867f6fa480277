#include <doctest/doctest.h>

#include "common/quote.h"

TEST_CASE("quote_input shows control characters, keeps UTF-8 and cuts long input") {
  using namespace std::string_literals;
  CHECK(td::quote_input("yt:abc") == "'yt:abc'");
  CHECK(td::quote_input("yt:\0abc"s) == "'yt:\\x00abc'");
  CHECK(td::quote_input("a\r\nb") == "'a\\x0d\\x0ab'");
  CHECK(td::quote_input("café") == "'café'");
  CHECK(td::quote_input(std::string(100, 'x'), 5) == "'xxxxx...'");
}
