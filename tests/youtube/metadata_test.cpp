#include <doctest/doctest.h>

#include <chrono>
#include <random>

#include "common/errors.h"
#include "paths.h"
#include "youtube/iso_duration.h"
#include "youtube/metadata.h"
#include "youtube/pacific_time.h"
#include "youtube/track_choice.h"
#include "youtube/utf8.h"
#include "youtube/ytdlp_info.h"

using namespace td::youtube;
using td::youtube::testing::read_fixture;

namespace {

std::vector<std::string> keys(const std::vector<CaptionTrack>& tracks) {
  std::vector<std::string> out;
  for (auto& t : tracks) out.push_back(t.language + (t.automatic ? "/auto" : "/manual"));
  return out;
}

std::chrono::system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}} + hours(h) + minutes(min);
}

}  // namespace

TEST_CASE("yt-dlp JSON fixture maps to every kept field") {
  auto m = parse_ytdlp_info(read_fixture("tdManualEn1/info.json"), "tdManualEn1");
  CHECK(m.id == "tdManualEn1");
  CHECK(m.key() == "yt:tdManualEn1");
  CHECK(m.title == "How the Immune System Actually Works \xE2\x80\x93 IMMUNE");
  CHECK(m.description.starts_with("Go to https://ground.news/nutshell"));
  CHECK_FALSE(m.description_truncated);
  CHECK(m.channel == "Kurzgesagt \xE2\x80\x93 In a Nutshell");
  CHECK(m.channel_id == "UCsXVk37bltHxD1rDPwtNM8Q");
  CHECK(m.duration_s == 754);
  CHECK(m.upload_date == "2023-11-14");
  CHECK(m.view_count == 1843221);
  CHECK(m.like_count == 51234);
  CHECK(m.comment_count == 2315);
  CHECK(m.tags == std::vector<std::string>{"immune system", "biology", "kurzgesagt", "science"});
  CHECK(m.categories == std::vector<std::string>{"Education"});
  CHECK(m.thumbnail == "https://i.ytimg.com/vi_webp/tdManualEn1/maxresdefault.webp");
  CHECK(m.language == "en");
  REQUIRE(m.chapters.size() == 3);
  CHECK(m.chapters[1] == Chapter{130.0, 465.0, "The Front Line"});
  CHECK(m.live_status == "not_live");
  CHECK(m.source == "yt-dlp");
  REQUIRE(m.captions);
  // Manual en+de, auto: en-orig, de/en/... where only en and en-orig are untranslated.
  CHECK(keys(*m.captions) == std::vector<std::string>{"en/manual", "de/manual", "en-orig/auto", "en/auto"});
  CHECK(m.captions->at(0).formats == std::vector<std::string>{"json3", "srv1", "srv2", "srv3", "ttml", "vtt"});
}

TEST_CASE("hidden likes, float durations and null language") {
  auto m = parse_ytdlp_info(read_fixture("tdAutoRoll1/info.json"), "tdAutoRoll1");
  CHECK_FALSE(m.like_count.has_value());
  CHECK(m.duration_s == 303);  // 302.5 rounds
  CHECK(m.language.empty());
  CHECK(video_language(m) == "en");  // from the en-orig ASR track
  auto live = parse_ytdlp_info(read_fixture("tdLiveNow01/info.json"), "tdLiveNow01");
  CHECK(live.live_status == "is_live");
  CHECK_FALSE(live.duration_s.has_value());
  CHECK_FALSE(cacheable(live));
  CHECK(cacheable(m));
}

TEST_CASE("metadata survives a JSON round trip (the cache format)") {
  for (auto* id : {"tdManualEn1", "tdAutoRoll1", "tdLiveNow01", "tdUpcoming1", "tdJson3De01"}) {
    CAPTURE(id);
    auto m = parse_ytdlp_info(read_fixture(std::string(id) + "/info.json"), id);
    CHECK(metadata_from_json(nlohmann::json::parse(to_json(m).dump())) == m);
  }
  VideoMetadata api;
  api.id = "abcdefghijk";
  api.source = "data-api";
  auto back = metadata_from_json(to_json(api));
  CHECK_FALSE(back.captions.has_value());
  CHECK(back == api);
  CHECK_THROWS_AS(metadata_from_json(nlohmann::json::parse(R"({"id": 5})")), td::TransientError);
  CHECK_THROWS_AS(metadata_from_json(nlohmann::json::array()), td::TransientError);
}

TEST_CASE("live and upcoming streams are refused with live_not_finished") {
  for (auto* id : {"tdLiveNow01", "tdUpcoming1"}) {
    auto m = parse_ytdlp_info(read_fixture(std::string(id) + "/info.json"), id);
    try {
      require_finished(m);
      FAIL("accepted " << id);
    } catch (const td::PermanentError& e) {
      CHECK(e.reason() == "live_not_finished");
    }
  }
  CHECK_NOTHROW(require_finished(parse_ytdlp_info(read_fixture("tdManualEn1/info.json"), "tdManualEn1")));
}

TEST_CASE("a 5 MB description is cut to the cap and says so") {
  auto info = nlohmann::json::parse(read_fixture("tdManualEn1/info.json"));
  std::string huge;
  while (huge.size() < 5 * 1024 * 1024) huge += "buy my course \xE2\x9C\xA8 ";
  info["description"] = huge;
  auto m = parse_ytdlp_info(info.dump(), "tdManualEn1");
  CHECK(m.description_truncated);
  CHECK(m.description.size() < 4 * kMaxDescriptionChars);
  CHECK(utf8::valid(m.description));
  CHECK(m.description.starts_with("buy my course"));
  CHECK(to_json(m)["description_truncated"] == true);
}

TEST_CASE("malformed, wrong-typed and non-UTF-8 yt-dlp JSON") {
  for (auto* bad : {"", "not json", "{\"id\": \"tdManualEn1\", \"title\": ", "[1,2,3]", "null"}) {
    CAPTURE(bad);
    try {
      parse_ytdlp_info(bad, "tdManualEn1");
      FAIL("parsed garbage");
    } catch (const td::TransientError& e) {
      CHECK(e.reason() == "ytdlp_bad_output");
    }
  }
  // Wrong types are ignored, not trusted; invalid bytes are replaced.
  auto m = parse_ytdlp_info(
      "{\"id\":\"tdManualEn1\",\"title\":\"caf\xE9 \\ud800\",\"duration\":\"long\",\"view_count\":-1.5e300,"
      "\"tags\":[\"ok\",5,null],\"chapters\":[{\"title\":7},\"x\"],\"subtitles\":[],\"automatic_captions\":{\"en\":\"x\"},"
      "\"upload_date\":\"2023-1-1\",\"like_count\":12.0}",
      "tdManualEn1");
  CHECK(m.title == "caf\xEF\xBF\xBD \xEF\xBF\xBD");
  CHECK_FALSE(m.duration_s.has_value());
  CHECK_FALSE(m.view_count.has_value());
  CHECK(m.like_count == 12);
  CHECK(m.tags == std::vector<std::string>{"ok"});
  CHECK(m.chapters.size() == 1);
  CHECK(m.upload_date.empty());
  CHECK(m.captions->empty());
  CHECK_NOTHROW(to_json(m).dump());
  try {
    parse_ytdlp_info(R"({"_type":"playlist","id":"PLx","entries":[]})", "tdManualEn1");
    FAIL("accepted a playlist");
  } catch (const td::PermanentError& e) {
    CHECK(e.reason() == "bad_link");
  }
}

TEST_CASE("track order: manual in language, auto in language, any manual, any auto") {
  auto en = parse_ytdlp_info(read_fixture("tdManualEn1/info.json"), "tdManualEn1");
  CHECK(keys(rank_tracks(*en.captions, "en")) ==
        std::vector<std::string>{"en/manual", "en-orig/auto", "en/auto", "de/manual"});
  // German video with only English uploaded captions: German ASR beats English manual.
  auto de = parse_ytdlp_info(read_fixture("tdJson3De01/info.json"), "tdJson3De01");
  CHECK(keys(rank_tracks(*de.captions, video_language(de))).front() == "de-orig/auto");
  CHECK(keys(rank_tracks(*de.captions, video_language(de)))[2] == "en/manual");

  std::vector<CaptionTrack> tracks = {
      {"live_chat", false, false, {"json"}}, {"fr", true, true, {"vtt"}},     {"ja", false, false, {"vtt"}},
      {"en-GB", false, false, {"vtt"}},      {"es", true, false, {"json3"}},  {"es-orig", true, false, {"json3"}},
      {"pt-BR", false, false, {"ttml"}},     {"en-US", true, false, {"vtt"}},
  };
  CHECK(keys(rank_tracks(tracks, "en-US")) ==
        std::vector<std::string>{"en-GB/manual", "en-US/auto", "ja/manual", "es-orig/auto", "es/auto", "fr/auto"});
  CHECK(keys(rank_tracks(tracks, "")) ==
        std::vector<std::string>{"en-GB/manual", "ja/manual", "es-orig/auto", "en-US/auto", "es/auto", "fr/auto"});
  CHECK(rank_tracks({{"live_chat", false, false, {"json"}}}, "en").empty());
  CHECK(track_language({"en-orig", true, false, {}}) == "en");
}

TEST_CASE("ISO-8601 durations from the Data API") {
  CHECK(parse_iso_duration("PT1H2M3S") == 3723);
  CHECK(parse_iso_duration("P1DT2H") == 93600);
  CHECK(parse_iso_duration("PT0S") == 0);
  CHECK(parse_iso_duration("P0D") == 0);
  CHECK(parse_iso_duration("PT15M") == 900);
  CHECK(parse_iso_duration("PT45S") == 45);
  CHECK(parse_iso_duration("P1W2DT3M") == 9 * 86400 + 180);
  CHECK(parse_iso_duration("PT1.5S") == 1);
  for (auto* bad : {"", "P", "PT", "P1DT", "1H", "PT1H2", "PTS", "P1Y", "PT2S1M", "PT1H1H", "pt1h", "PT-1S", "P1H"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_iso_duration(bad).has_value());
  }
}

TEST_CASE("the quota resets at midnight Pacific, through daylight saving") {
  // Winter (PST, UTC-8): 2024-01-15 12:00 UTC is 04:00 PST -> 2024-01-16 08:00 UTC.
  CHECK(next_pacific_midnight(utc(2024, 1, 15, 12)) == utc(2024, 1, 16, 8));
  // Summer (PDT, UTC-7): 2024-07-04 06:59 UTC is 23:59 on the 3rd -> 07:00 UTC on the 4th.
  CHECK(next_pacific_midnight(utc(2024, 7, 4, 6, 59)) == utc(2024, 7, 4, 7));
  CHECK(next_pacific_midnight(utc(2024, 7, 4, 7)) == utc(2024, 7, 5, 7));
  // DST starts 2024-03-10 02:00 PST: the 10th's midnight is PST, the 11th's is PDT.
  CHECK(next_pacific_midnight(utc(2024, 3, 10, 9)) == utc(2024, 3, 11, 7));
  // DST ends 2024-11-03 02:00 PDT: midnight of the 3rd is PDT, of the 4th PST.
  CHECK(next_pacific_midnight(utc(2024, 11, 3, 6)) == utc(2024, 11, 3, 7));
  CHECK(next_pacific_midnight(utc(2024, 11, 3, 7)) == utc(2024, 11, 4, 8));
  // New Year's Eve in UTC is still the 31st in Los Angeles.
  CHECK(next_pacific_midnight(utc(2025, 1, 1, 2)) == utc(2025, 1, 1, 8));
}

TEST_CASE("minimal metadata marks a video stored without metadata") {
  auto m = minimal_metadata("abcdefghijk");
  CHECK(metadata_missing(m));
  CHECK(m.key() == "yt:abcdefghijk");
  CHECK(metadata_missing(metadata_from_json(to_json(m))));
  CHECK_FALSE(metadata_missing(parse_ytdlp_info(read_fixture("tdManualEn1/info.json"), "tdManualEn1")));
}

TEST_CASE("mutated yt-dlp JSON gives metadata or ytdlp_bad_output, nothing else") {
  std::mt19937 rng(7);
  std::string original = read_fixture("tdManualEn1/info.json");
  const char specials[] = {'"', '\\', '{', '}', '[', ']', ',', ':', 'u', '\xFF', '\xC3', '\0', '1', 'n'};
  int ok = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text = original;
    int edits = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int e = 0; e < edits; ++e) {
      size_t at = std::uniform_int_distribution<size_t>(0, text.size() - 1)(rng);
      text[at] = specials[std::uniform_int_distribution<size_t>(0, sizeof specials - 1)(rng)];
    }
    if (round % 3 == 0) text.resize(std::uniform_int_distribution<size_t>(0, text.size())(rng));
    try {
      auto m = parse_ytdlp_info(text, "tdManualEn1");
      CHECK_NOTHROW(to_json(m).dump());
      ++ok;
    } catch (const td::TransientError& e) {
      CHECK(e.reason() == "ytdlp_bad_output");
    } catch (const td::PermanentError& e) {
      CHECK(e.reason() == "bad_link");  // a flipped byte may turn "_type" into something else
    }
  }
  CHECK(ok > 0);
}
