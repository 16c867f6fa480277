#include <doctest/doctest.h>

#include <memory>

#include "common/clock.h"
#include "common/errors.h"
#include "mock_data_api.h"
#include "youtube/data_api_source.h"
#include "youtube/errors.h"
#include "youtube/pacific_time.h"

using namespace td::youtube;
using Mode = td::youtube::testing::MockDataApi::Mode;

namespace {

DataApiConfig config_for(const td::youtube::testing::MockDataApi& api) {
  DataApiConfig c;
  c.base = api.base();
  c.key = "AIzaTestKey+/=";
  c.timeout = std::chrono::seconds(5);
  return c;
}

template <class E>
E caught(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  }
  FAIL("expected exception not thrown");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("Data API: videos.list maps snippet, contentDetails and string statistics") {
  td::youtube::testing::MockDataApi api;
  DataApiSource source(config_for(api));
  auto m = source.fetch("apiVideo001");
  CHECK(api.last_query().find("part=snippet,contentDetails,statistics&") != std::string::npos);
  CHECK(api.last_query().find("id=apiVideo001&") != std::string::npos);
  CHECK(api.last_query().find("key=AIzaTestKey+/=&") != std::string::npos);  // percent-encoded on the wire
  CHECK(m.id == "apiVideo001");
  CHECK(m.source == "data-api");
  CHECK(m.title == "Rick Astley - Never Gonna Give You Up (Official Music Video)");
  CHECK(m.channel == "Rick Astley");
  CHECK(m.channel_id == "UCuAXFkgsw1L7xaCfnd5JJOw");
  CHECK(m.duration_s == 213);
  CHECK(m.upload_date == "2009-10-25");
  CHECK(m.view_count == 1500000000LL);
  CHECK(m.like_count == 17000000);
  CHECK(m.comment_count == 2300000);
  CHECK(m.categories == std::vector<std::string>{"Music"});
  CHECK(m.tags.size() == 3);
  CHECK(m.thumbnail == "https://i.ytimg.com/vi/apiVideo001/maxresdefault.jpg");
  CHECK(m.language == "en-US");
  CHECK(m.live_status == "not_live");
  CHECK_FALSE(m.captions.has_value());
}

TEST_CASE("Data API: day-long durations, hidden likes, live PT0S") {
  td::youtube::testing::MockDataApi api;
  DataApiSource source(config_for(api));
  CHECK(source.fetch("apiLong0001").duration_s == 93600);
  auto hidden = source.fetch("apiNoLikes1");
  CHECK_FALSE(hidden.like_count.has_value());
  CHECK_FALSE(hidden.comment_count.has_value());
  CHECK(hidden.view_count == 1500000000LL);
  auto live = source.fetch("apiLiveNow1");
  CHECK(live.live_status == "is_live");
  CHECK_FALSE(live.duration_s.has_value());
}

TEST_CASE("Data API: empty items is not_found") {
  td::youtube::testing::MockDataApi api;
  auto e = caught<td::PermanentError>([&] { DataApiSource(config_for(api)).fetch("apiMissing1"); });
  CHECK(e.reason() == "not_found");
}

TEST_CASE("Data API: quota exceeded stops calling until midnight Pacific") {
  td::youtube::testing::MockDataApi api;
  auto clock = std::make_shared<td::ManualClock>();
  DataApiSource source(config_for(api), clock);
  api.set_mode(Mode::quota);
  auto e = caught<QuotaExceeded>([&] { source.fetch("apiVideo001"); });
  CHECK(e.reason() == "quota_exceeded");
  CHECK(e.resets_at() == next_pacific_midnight(clock->now()));
  CHECK(source.quota_blocked_until() == e.resets_at());
  CHECK(api.calls() == 1);

  api.set_mode(Mode::normal);  // Google would answer again; we must not ask
  for (int i = 0; i < 5; ++i) caught<QuotaExceeded>([&] { source.fetch("apiVideo001"); });
  clock->set(e.resets_at() - std::chrono::seconds(1));
  caught<QuotaExceeded>([&] { source.fetch("apiVideo001"); });
  CHECK(api.calls() == 1);

  clock->set(e.resets_at());
  CHECK_FALSE(source.quota_blocked_until().has_value());
  CHECK(source.fetch("apiVideo001").title.starts_with("Rick Astley"));
  CHECK(api.calls() == 2);
}

TEST_CASE("Data API: 500, HTML, bad key, rate limit and a dead server are transient") {
  td::youtube::testing::MockDataApi api;
  DataApiSource source(config_for(api));
  api.set_mode(Mode::server_error);
  auto e500 = caught<td::TransientError>([&] { source.fetch("apiVideo001"); });
  CHECK(e500.reason() == "data_api_failed");
  CHECK(std::string(e500.what()).find("HTTP 500") != std::string::npos);
  CHECK(std::string(e500.what()).find("AIzaTestKey") == std::string::npos);  // the key never reaches logs

  api.set_mode(Mode::html);
  CHECK(caught<td::TransientError>([&] { source.fetch("apiVideo001"); }).reason() == "data_api_bad_response");
  api.set_mode(Mode::bad_key);
  CHECK(caught<td::TransientError>([&] { source.fetch("apiVideo001"); }).reason() == "data_api_auth");
  api.set_mode(Mode::rate_limit);
  CHECK(caught<td::TransientError>([&] { source.fetch("apiVideo001"); }).reason() == "data_api_failed");
  CHECK_FALSE(source.quota_blocked_until().has_value());

  DataApiConfig dead;
  {
    td::youtube::testing::MockDataApi gone;
    dead = config_for(gone);
  }
  CHECK(caught<td::TransientError>([&] { DataApiSource(dead).fetch("apiVideo001"); }).reason() ==
        "data_api_unreachable");
  CHECK(caught<td::PermanentError>([&] { source.fetch("bad id"); }).reason() == "bad_link");
}

TEST_CASE("category ids map to names") {
  CHECK(youtube_category_name("27") == "Education");
  CHECK(youtube_category_name("999") == "999");
}
