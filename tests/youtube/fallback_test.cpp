#include <doctest/doctest.h>

#include <functional>
#include <memory>

#include "common/errors.h"
#include "mock_data_api.h"
#include "paths.h"
#include "youtube/data_api_source.h"
#include "youtube/errors.h"
#include "youtube/fallback_source.h"
#include "youtube/ytdlp_source.h"

using namespace td::youtube;
using Mode = td::youtube::testing::MockDataApi::Mode;
using td::youtube::testing::fake_config;

namespace {

// A source that throws what it is told to, counting calls.
class Scripted final : public MetadataSource {
 public:
  explicit Scripted(std::function<VideoMetadata(const std::string&)> f) : f_(std::move(f)) {}
  VideoMetadata fetch(const std::string& id) override {
    ++calls;
    return f_(id);
  }
  std::string name() const override { return "scripted"; }
  int calls = 0;

 private:
  std::function<VideoMetadata(const std::string&)> f_;
};

std::shared_ptr<DataApiSource> api_source(const td::youtube::testing::MockDataApi& api) {
  // Aggregate initialization: GCC 12 gives a false -Wrestrict on `c.key = "k"`.
  return std::make_shared<DataApiSource>(DataApiConfig{api.base(), "test-key", std::chrono::seconds(5)});
}

std::shared_ptr<YtDlpSource> failing_ytdlp(const std::string& stderr_text) {
  return std::make_shared<YtDlpSource>(fake_config({"FAKE_YTDLP_STDERR=" + stderr_text}));
}

std::string outcome(MetadataSource& s, const std::string& id) {
  try {
    return "ok:" + s.fetch(id).source;
  } catch (const Throttled&) {
    return "throttled";
  } catch (const td::PermanentError& e) {
    return "permanent:" + e.reason();
  } catch (const td::TransientError& e) {
    return "transient:" + e.reason();
  }
}

}  // namespace

TEST_CASE("fallback: yt-dlp answers, the Data API is not asked") {
  td::youtube::testing::MockDataApi api;
  // The fake serves fixture ids; the mock serves "api*" ids. tdManualEn1 exists only in the fake.
  FallbackMetadataSource source(std::make_shared<YtDlpSource>(fake_config()), api_source(api));
  CHECK(outcome(source, "tdManualEn1") == "ok:yt-dlp");
  CHECK(api.calls() == 0);
  CHECK(source.name() == "yt-dlp+data-api");
}

TEST_CASE("fallback: yt-dlp fails, the Data API answers") {
  td::youtube::testing::MockDataApi api;
  FallbackMetadataSource source(
      failing_ytdlp("ERROR: [youtube] apiVideo001: Unable to download API page: HTTP Error 503"), api_source(api));
  auto m = source.fetch("apiVideo001");
  CHECK(m.source == "data-api");
  CHECK(m.duration_s == 213);
  CHECK(api.calls() == 1);
  // Age-restricted in yt-dlp: the API still has the metadata (best effort for user transcripts).
  FallbackMetadataSource aged(failing_ytdlp("ERROR: [youtube] x: Sign in to confirm your age."), api_source(api));
  CHECK(outcome(aged, "apiVideo001") == "ok:data-api");
}

TEST_CASE("fallback: throttling is reported even when the Data API answers") {
  td::youtube::testing::MockDataApi api;
  int hooked = 0;
  FallbackMetadataSource source(failing_ytdlp("ERROR: [youtube] x: Sign in to confirm you're not a bot"),
                                api_source(api), [&](const Throttled&) { ++hooked; });
  CHECK(outcome(source, "apiVideo001") == "ok:data-api");
  CHECK(hooked == 1);
  api.set_mode(Mode::server_error);
  CHECK(outcome(source, "apiVideo001") == "throttled");
  CHECK(hooked == 2);
  api.set_mode(Mode::normal);
  CHECK(outcome(source, "apiMissing1") == "throttled");  // a throttled yt-dlp proves nothing about the video
}

TEST_CASE("fallback: final answers from yt-dlp skip the Data API") {
  td::youtube::testing::MockDataApi api;
  FallbackMetadataSource live(failing_ytdlp("ERROR: [youtube] x: This live event will begin in 5 hours."),
                              api_source(api));
  CHECK(outcome(live, "apiVideo001") == "permanent:live_not_finished");
  FallbackMetadataSource bad(failing_ytdlp("unused"), api_source(api));
  CHECK(outcome(bad, "not an id!!") == "permanent:bad_link");
  CHECK(api.calls() == 0);
}

TEST_CASE("fallback: when both fail, the error that decides the job") {
  td::youtube::testing::MockDataApi api;
  // Private in yt-dlp, absent from the API: the specific permanent reason wins.
  FallbackMetadataSource priv(failing_ytdlp("ERROR: [youtube] x: Private video. Sign in"), api_source(api));
  CHECK(outcome(priv, "apiMissing1") == "permanent:private");
  // yt-dlp timed out, the API says it does not exist: permanent not_found.
  FallbackMetadataSource flaky(failing_ytdlp("ERROR: Unable to download webpage: timed out"), api_source(api));
  CHECK(outcome(flaky, "apiMissing1") == "permanent:not_found");
  // Both transient: retried, both messages kept.
  api.set_mode(Mode::html);
  try {
    flaky.fetch("apiVideo001");
    FAIL("no error");
  } catch (const td::TransientError& e) {
    CHECK(e.reason() == "metadata_unavailable");
    CHECK(std::string(e.what()).find("timed out") != std::string::npos);
    CHECK(std::string(e.what()).find("not JSON") != std::string::npos);
  }
}

TEST_CASE("fallback: a spent quota is remembered and yt-dlp keeps working") {
  td::youtube::testing::MockDataApi api;
  auto ok_then_fail = std::make_shared<Scripted>([](const std::string& id) -> VideoMetadata {
    if (id == "apiVideo001") throw td::TransientError("ytdlp_failed", "yt-dlp: boom");
    VideoMetadata m;
    m.id = id;
    m.source = "yt-dlp";
    return m;
  });
  FallbackMetadataSource source(ok_then_fail, api_source(api));
  api.set_mode(Mode::quota);
  CHECK(outcome(source, "apiVideo001") == "transient:metadata_unavailable");
  CHECK(outcome(source, "apiVideo001") == "transient:metadata_unavailable");
  CHECK(api.calls() == 1);  // the second failure did not spend a call
  CHECK(outcome(source, "tdAutoRoll1") == "ok:yt-dlp");
  CHECK(ok_then_fail->calls == 3);
}

TEST_CASE("fallback: without a Data API key the yt-dlp error passes through") {
  FallbackMetadataSource source(failing_ytdlp("ERROR: HTTP Error 429: Too Many Requests"), nullptr);
  CHECK(outcome(source, "tdManualEn1") == "throttled");
  FallbackMetadataSource removed(failing_ytdlp("ERROR: [youtube] x: Video unavailable"), nullptr);
  CHECK(outcome(removed, "tdManualEn1") == "permanent:unavailable");
  CHECK(source.name() == "yt-dlp");
}
