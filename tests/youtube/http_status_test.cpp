// The HTTP status YouTube's answer gave, as libs/youtube puts it on the
// td::JobError it throws: read from yt-dlp's ERROR line, taken from the Data
// API's response, kept by the fallback.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/errors.h"
#include "mock_data_api.h"
#include "paths.h"
#include "youtube/data_api_source.h"
#include "youtube/errors.h"
#include "youtube/fallback_source.h"
#include "youtube/ytdlp_errors.h"
#include "youtube/ytdlp_source.h"

using namespace td::youtube;
using Mode = td::youtube::testing::MockDataApi::Mode;
using td::youtube::testing::fake_config;
using Status = std::optional<int>;

namespace {

// What `f` throws: its kind ("throttled", "quota", "permanent:<reason>",
// "transient:<reason>") and its HTTP status.
struct Thrown {
  std::string kind;
  Status status;
};

Thrown thrown(const std::function<void()>& f) {
  try {
    f();
  } catch (const Throttled& e) {
    return {"throttled", e.http_status()};
  } catch (const QuotaExceeded& e) {
    return {"quota", e.http_status()};
  } catch (const td::PermanentError& e) {
    return {"permanent:" + e.reason(), e.http_status()};
  } catch (const td::TransientError& e) {
    return {"transient:" + e.reason(), e.http_status()};
  } catch (const std::exception& e) {
    return {std::string("other:") + e.what(), std::nullopt};
  }
  return {"ok", std::nullopt};
}

Thrown ytdlp_failing_with(const std::string& stderr_text) {
  YtDlpSource source(fake_config({"FAKE_YTDLP_STDERR=" + stderr_text}));
  return thrown([&] { source.fetch("tdManualEn1"); });
}

std::shared_ptr<DataApiSource> api_source(const td::youtube::testing::MockDataApi& api) {
  // Aggregate initialization: GCC 12 gives a false -Wrestrict on `c.key = "k"`.
  return std::make_shared<DataApiSource>(DataApiConfig{api.base(), "test-key", std::chrono::seconds(5)});
}

// A source that throws what it is told to.
class Throwing final : public MetadataSource {
 public:
  explicit Throwing(std::function<void()> f) : f_(std::move(f)) {}
  VideoMetadata fetch(const std::string&) override {
    f_();
    return {};
  }
  std::string name() const override { return "scripted"; }

 private:
  std::function<void()> f_;
};

std::shared_ptr<Throwing> throwing(std::function<void()> f) { return std::make_shared<Throwing>(std::move(f)); }

}  // namespace

TEST_CASE("HttpStatus: yt-dlp's HTTP Error on its ERROR line is the failure's status") {
  struct Case {
    const char* stderr_text;
    Status expected;
  } cases[] = {
      {"ERROR: [youtube] dQw4w9WgXcQ: Unable to download API page: HTTP Error 429: Too Many Requests", 429},
      {"ERROR: unable to download video data: HTTP Error 403: Forbidden", 403},
      {"ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: HTTP Error 500: Internal Server Error", 500},
      {"ERROR: [youtube] dQw4w9WgXcQ: Unable to download API page: HTTP Error 503: Service Unavailable", 503},
      {"ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: HTTP Error 404: Not Found", 404},
      // Warnings of answers yt-dlp retried past are not the failure's.
      {"WARNING: [youtube] Unable to download webpage: HTTP Error 503: Service Unavailable\n"
       "ERROR: [youtube] dQw4w9WgXcQ: Private video. Sign in if you've been granted access to this video",
       std::nullopt},
      {"WARNING: [youtube] HTTP Error 500: Internal Server Error. Retrying (1/3)...\n"
       "ERROR: unable to download video data: HTTP Error 403: Forbidden",
       403},
      // No ERROR line: the last line, as the message quotes it.
      {"Traceback (most recent call last):\nurllib.error.HTTPError: HTTP Error 502: Bad Gateway", 502},
      {"HTTP Error 500: Internal Server Error\nKeyError: 'videoDetails'", std::nullopt},
      // Not a status: other numbers, more digits, out of range, no HTTP Error.
      {"ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: HTTP Error 4031", std::nullopt},
      {"ERROR: HTTP Error 999: Odd", std::nullopt},
      {"ERROR: HTTP Error 40: Short", std::nullopt},
      {"ERROR: [youtube] dQw4w9WgXcQ: Video unavailable (error 403 in the title)", std::nullopt},
      {"ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: <urlopen error [Errno -3] Temporary failure>",
       std::nullopt},
      {"", std::nullopt},
      // Two on the line: the first.
      {"ERROR: HTTP Error 9999, then HTTP Error 410: Gone", 410},
      {"ERROR: http error 403: forbidden", 403},
  };
  for (const auto& c : cases) {
    CAPTURE(c.stderr_text);
    CHECK(ytdlp_http_status(c.stderr_text) == c.expected);
  }
  // A throttle gets 429 from any line; the bot check has no status.
  CHECK(ytdlp_throttle_status("ERROR: [youtube] x: HTTP Error 429: Too Many Requests") == Status(429));
  CHECK(ytdlp_throttle_status("WARNING: HTTP Error 429: Too Many Requests\nERROR: [youtube] x: giving up") ==
        Status(429));
  CHECK(ytdlp_throttle_status("ERROR: [youtube] x: Sign in to confirm you're not a bot") == std::nullopt);
}

TEST_CASE("HttpStatus: yt-dlp failures carry the status whatever their class") {
  auto e403 = ytdlp_failing_with("ERROR: unable to download video data: HTTP Error 403: Forbidden");
  CHECK(e403.kind == "transient:ytdlp_failed");
  CHECK(e403.status == Status(403));
  auto e503 = ytdlp_failing_with(
      "ERROR: [youtube] tdManualEn1: Unable to download API page: HTTP Error 503: "
      "Service Unavailable");
  CHECK(e503.kind == "transient:ytdlp_failed");
  CHECK(e503.status == Status(503));
  auto e500 = ytdlp_failing_with("ERROR: [youtube] tdManualEn1: HTTP Error 500: Internal Server Error");
  CHECK(e500.status == Status(500));
  auto gone = ytdlp_failing_with("ERROR: [youtube] tdManualEn1: Video unavailable: HTTP Error 410: Gone");
  CHECK(gone.kind == "permanent:unavailable");
  CHECK(gone.status == Status(410));

  // Throttled keeps its status, though it is not a failed attempt.
  auto e429 = ytdlp_failing_with(
      "ERROR: [youtube] dQw4w9WgXcQ: Unable to download API page: HTTP Error 429: Too Many Requests");
  CHECK(e429.kind == "throttled");
  CHECK(e429.status == Status(429));
  auto bot = ytdlp_failing_with("ERROR: [youtube] tdManualEn1: Sign in to confirm you're not a bot.");
  CHECK(bot.kind == "throttled");
  CHECK(bot.status == std::nullopt);

  // Failures that are no HTTP answer have none.
  CHECK(ytdlp_failing_with("ERROR: [youtube] tdManualEn1: Private video. Sign in").status == std::nullopt);
  CHECK(ytdlp_failing_with("ERROR: [youtube] tdManualEn1: Unable to extract initial player response").status ==
        std::nullopt);
  auto hang = fake_config({"FAKE_YTDLP_HANG=1"});
  hang.timeout = std::chrono::milliseconds(500);
  auto timed_out = thrown([&] { YtDlpSource(hang).fetch("tdManualEn1"); });
  CHECK(timed_out.kind == "transient:ytdlp_timeout");
  CHECK(timed_out.status == std::nullopt);

  // Captions go through the same classification.
  YtDlpTranscriptSource captions(fake_config({"FAKE_YTDLP_PHASE=captions",
                                              "FAKE_YTDLP_STDERR=ERROR: unable to download video data: HTTP Error "
                                              "403: Forbidden"}));
  auto meta = YtDlpSource(fake_config()).fetch("tdManualEn1");
  auto caption_error = thrown([&] { captions.fetch(meta); });
  CHECK(caption_error.kind == "transient:ytdlp_failed");
  CHECK(caption_error.status == Status(403));
}

TEST_CASE("HttpStatus: the Data API's errors carry the response status, unless it was 200 or none came") {
  td::youtube::testing::MockDataApi api;
  auto source = api_source(api);
  api.set_mode(Mode::server_error);
  auto e500 = thrown([&] { source->fetch("apiVideo001"); });
  CHECK(e500.kind == "transient:data_api_failed");
  CHECK(e500.status == Status(500));
  api.set_mode(Mode::bad_key);
  auto e400 = thrown([&] { source->fetch("apiVideo001"); });
  CHECK(e400.kind == "transient:data_api_auth");
  CHECK(e400.status == Status(400));
  api.set_mode(Mode::rate_limit);
  auto limited = thrown([&] { source->fetch("apiVideo001"); });
  CHECK(limited.kind == "transient:data_api_failed");
  CHECK(limited.status == Status(403));

  // A 200 whose body is HTML, and a 200 without the video, are no HTTP errors.
  api.set_mode(Mode::html);
  auto html = thrown([&] { source->fetch("apiVideo001"); });
  CHECK(html.kind == "transient:data_api_bad_response");
  CHECK(html.status == std::nullopt);
  api.set_mode(Mode::normal);
  auto missing = thrown([&] { source->fetch("apiMissing1"); });
  CHECK(missing.kind == "permanent:not_found");
  CHECK(missing.status == std::nullopt);

  // The quota's 403 is kept; once remembered, no call is made and no status comes.
  api.set_mode(Mode::quota);
  auto quota = thrown([&] { source->fetch("apiVideo001"); });
  CHECK(quota.kind == "quota");
  CHECK(quota.status == Status(403));
  auto remembered = thrown([&] { source->fetch("apiVideo001"); });
  CHECK(remembered.kind == "quota");
  CHECK(remembered.status == std::nullopt);

  DataApiConfig dead;
  {
    td::youtube::testing::MockDataApi gone;
    dead = DataApiConfig{gone.base(), "test-key", std::chrono::seconds(5)};
  }
  auto unreachable = thrown([&] { DataApiSource(dead).fetch("apiVideo001"); });
  CHECK(unreachable.kind == "transient:data_api_unreachable");
  CHECK(unreachable.status == std::nullopt);
}

TEST_CASE("HttpStatus: the fallback keeps the status of the error it throws") {
  td::youtube::testing::MockDataApi api;
  auto ytdlp403 = [] { throw td::TransientError("ytdlp_failed", "yt-dlp: HTTP Error 403: Forbidden", 403); };
  auto ytdlp_plain = [] { throw td::TransientError("ytdlp_failed", "yt-dlp: Unable to extract"); };

  // Both fail with a status: the primary's, whose message leads.
  api.set_mode(Mode::server_error);
  FallbackMetadataSource both(throwing(ytdlp403), api_source(api));
  auto joined = thrown([&] { both.fetch("apiVideo001"); });
  CHECK(joined.kind == "transient:metadata_unavailable");
  CHECK(joined.status == Status(403));
  // The primary had none: the secondary's is the only HTTP answer there was.
  FallbackMetadataSource plain(throwing(ytdlp_plain), api_source(api));
  auto secondary = thrown([&] { plain.fetch("apiVideo001"); });
  CHECK(secondary.kind == "transient:metadata_unavailable");
  CHECK(secondary.status == Status(500));
  // Neither: none.
  api.set_mode(Mode::html);
  CHECK(thrown([&] { plain.fetch("apiVideo001"); }).status == std::nullopt);
  // The secondary says not_found (a 200): the primary's status stays.
  api.set_mode(Mode::normal);
  auto not_found = thrown([&] { both.fetch("apiMissing1"); });
  CHECK(not_found.kind == "permanent:not_found");
  CHECK(not_found.status == Status(403));

  // A spent quota never lends its 403.
  {
    td::youtube::testing::MockDataApi quota_api;
    quota_api.set_mode(Mode::quota);
    FallbackMetadataSource spent(throwing(ytdlp_plain), api_source(quota_api));
    auto q = thrown([&] { spent.fetch("apiVideo001"); });
    CHECK(q.kind == "transient:metadata_unavailable");
    CHECK(q.status == std::nullopt);
  }

  // Rethrown as they came: the primary's permanent and throttled errors.
  api.set_mode(Mode::server_error);
  FallbackMetadataSource priv(
      throwing([] { throw td::PermanentError("private", "yt-dlp: Private video: HTTP Error 403", 403); }),
      api_source(api));
  auto p = thrown([&] { priv.fetch("apiVideo001"); });
  CHECK(p.kind == "permanent:private");
  CHECK(p.status == Status(403));
  FallbackMetadataSource throttled(throwing([] { throw Throttled("yt-dlp: HTTP Error 429", std::nullopt, 429); }),
                                   api_source(api));
  auto t = thrown([&] { throttled.fetch("apiVideo001"); });
  CHECK(t.kind == "throttled");
  CHECK(t.status == Status(429));
  FallbackMetadataSource alone(throwing(ytdlp403), nullptr);
  CHECK(thrown([&] { alone.fetch("apiVideo001"); }).status == Status(403));
}
