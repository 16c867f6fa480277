// events::kAllTypes is the one list of event types: the SSE endpoint accepts
// each of them in ?types= (and no other but its own "reset"), and README's
// Events table documents exactly them. A type added in one place only fails
// here (the dashboard's copy is checked in tests/gateway/api_test.cpp).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "events/types.h"
#include "sse/http.h"
#include "support/helpers.h"

namespace {

std::set<std::string> all_types() { return {td::events::kAllTypes.begin(), td::events::kAllTypes.end()}; }

}  // namespace

TEST_CASE("the SSE endpoint accepts every outbox event type in ?types= and no unlisted one") {
  td::sse::EndpointOptions opts;
  auto expected = all_types();
  expected.insert("reset");
  CHECK(opts.allowed_types == expected);

  std::string csv;
  for (auto t : td::events::kAllTypes) csv.append(csv.empty() ? "" : ",").append(t);
  httplib::Request req;
  req.params.emplace("types", csv);
  auto sub = td::sse::parse_subscribe_request(req, opts);
  CHECK(sub.filter.types == expected);

  httplib::Request unknown;
  unknown.params.emplace("types", "report-updated,report-exploded");
  CHECK_THROWS_AS(td::sse::parse_subscribe_request(unknown, opts), std::invalid_argument);
}

TEST_CASE("README's Events table lists exactly the outbox event types") {
  std::set<std::string> documented;
  for (const auto& line : td::test::readme_table("| Type | Emitted by |")) {
    if (line.rfind("|---", 0) != 0) {
      // First cell: | `report-updated` | ...
      auto open = line.find('`');
      auto close = line.find('`', open + 1);
      REQUIRE(close != std::string::npos);
      documented.insert(line.substr(open + 1, close - open - 1));
    }
  }
  CHECK(documented == all_types());
}
