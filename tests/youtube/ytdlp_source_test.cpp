#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/errors.h"
#include "paths.h"
#include "youtube/errors.h"
#include "youtube/ytdlp_source.h"

using namespace td::youtube;
using namespace std::chrono_literals;
using td::youtube::testing::fake_config;
using td::youtube::testing::TempFile;

namespace {

// The PermanentError reason, "throttled", or the TransientError reason that `f` throws.
template <class F>
std::string outcome(F&& f) {
  try {
    f();
  } catch (const Throttled&) {
    return "throttled";
  } catch (const td::PermanentError& e) {
    return "permanent:" + e.reason();
  } catch (const td::TransientError& e) {
    return "transient:" + e.reason();
  } catch (const std::exception& e) {
    return std::string("other:") + e.what();
  }
  return "ok";
}

std::vector<std::string> log_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("yt-dlp metadata through the fake: argv, fields, caption listing") {
  TempFile log("");
  YtDlpSource source(fake_config({"FAKE_YTDLP_LOG=" + log.path}));
  auto m = source.fetch("tdManualEn1");
  CHECK(m.title.starts_with("How the Immune System"));
  CHECK(m.captions->size() == 4);
  auto lines = log_lines(log.path);
  REQUIRE(lines.size() == 1);
  auto argv = nlohmann::json::parse(lines[0])["argv"];
  auto has = [&](const char* a) { return std::find(argv.begin(), argv.end(), a) != argv.end(); };
  CHECK(has("--dump-single-json"));
  CHECK(has("--skip-download"));
  CHECK(has("--no-playlist"));
  CHECK(has("--ignore-config"));
  CHECK(argv.back() == "https://www.youtube.com/watch?v=tdManualEn1");
  CHECK(argv[argv.size() - 2] == "--");
}

TEST_CASE("a yt-dlp that hangs is killed at the deadline, with its children") {
  auto config = fake_config({"FAKE_YTDLP_HANG=1"});
  config.timeout = 700ms;
  YtDlpSource source(config);
  auto start = std::chrono::steady_clock::now();
  CHECK(outcome([&] { source.fetch("tdManualEn1"); }) == "transient:ytdlp_timeout");
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("yt-dlp exit 1 messages are classified") {
  struct Case {
    const char* stderr_text;
    const char* expected;
  } cases[] = {
      {"ERROR: [youtube] tdManualEn1: Private video. Sign in if you've been granted access to this video",
       "permanent:private"},
      {"ERROR: [youtube] tdManualEn1: Video unavailable", "permanent:unavailable"},
      {"ERROR: [youtube] tdManualEn1: Video unavailable. This video has been removed by the uploader",
       "permanent:unavailable"},
      {"ERROR: [youtube] tdManualEn1: Sign in to confirm you\xE2\x80\x99re not a bot. Use --cookies-from-browser or --cookies for the authentication.",
       "throttled"},
      {"ERROR: [youtube] tdManualEn1: Sign in to confirm you're not a bot. This helps protect our community.",
       "throttled"},
      {"ERROR: unable to download video data: HTTP Error 429: Too Many Requests", "throttled"},
      {"ERROR: [youtube] tdManualEn1: Video unavailable. This content isn\xE2\x80\x99t available, try again later.",
       "throttled"},
      {"ERROR: [youtube] tdManualEn1: This live event will begin in 3 hours.", "permanent:live_not_finished"},
      {"ERROR: [youtube] tdManualEn1: Premieres in 2 days", "permanent:live_not_finished"},
      {"ERROR: [youtube] tdManualEn1: Sign in to confirm your age. This video may be inappropriate for some users.",
       "permanent:age_restricted"},
      {"ERROR: [youtube] tdManualEn1: Join this channel to get access to members-only content like this video, and other exclusive perks.",
       "permanent:members_only"},
      {"ERROR: [youtube] tdManualEn1: The uploader has not made this video available in your country",
       "permanent:geo_blocked"},
      {"ERROR: [youtube] tdManualEn1: Unable to download API page: HTTP Error 503: Service Unavailable",
       "transient:ytdlp_failed"},
      {"ERROR: [youtube] tdManualEn1: Unable to download webpage: <urlopen error [Errno -3] Temporary failure in name resolution>",
       "transient:ytdlp_failed"},
      {"Traceback (most recent call last):\n  File \"yt_dlp/__main__.py\", line 17\nKeyError: 'videoDetails'",
       "transient:ytdlp_failed"},
  };
  for (auto& c : cases) {
    CAPTURE(c.stderr_text);
    YtDlpSource source(fake_config({std::string("FAKE_YTDLP_STDERR=") + c.stderr_text}));
    CHECK(outcome([&] { source.fetch("tdManualEn1"); }) == c.expected);
  }
  // The message carries yt-dlp's ERROR line for the job's last_error.
  YtDlpSource source(
      fake_config({"FAKE_YTDLP_STDERR=WARNING: x\nERROR: [youtube] tdManualEn1: Private video. Sign in"}));
  try {
    source.fetch("tdManualEn1");
  } catch (const td::PermanentError& e) {
    CHECK(std::string(e.what()).find("ERROR: [youtube] tdManualEn1: Private video") != std::string::npos);
    CHECK(std::string(e.what()).find("yt:tdManualEn1") != std::string::npos);
  }
  // Exit 1 with nothing on stderr, and a crash by signal, are retried.
  CHECK(outcome([&] { YtDlpSource(fake_config({"FAKE_YTDLP_EXIT=1"})).fetch("tdManualEn1"); }) ==
        "transient:ytdlp_failed");
  // An unknown id: the fake answers like yt-dlp for a terminated account.
  CHECK(outcome([&] { YtDlpSource(fake_config()).fetch("zzzzzzzzzzz"); }) == "permanent:unavailable");
}

TEST_CASE("malformed, empty, huge and non-UTF-8 yt-dlp output") {
  TempFile garbage("{\"id\": \"tdManualEn1\", \"title\": \"cut off");
  CHECK(outcome([&] { YtDlpSource(fake_config({"FAKE_YTDLP_STDOUT_FILE=" + garbage.path})).fetch("tdManualEn1"); }) ==
        "transient:ytdlp_bad_output");
  TempFile html("<!DOCTYPE html><html><body>Our systems have detected unusual traffic</body></html>");
  CHECK(outcome([&] { YtDlpSource(fake_config({"FAKE_YTDLP_STDOUT_FILE=" + html.path})).fetch("tdManualEn1"); }) ==
        "transient:ytdlp_bad_output");
  TempFile empty("");
  CHECK(outcome([&] { YtDlpSource(fake_config({"FAKE_YTDLP_STDOUT_FILE=" + empty.path})).fetch("tdManualEn1"); }) ==
        "transient:ytdlp_bad_output");

  auto info = nlohmann::json::parse(td::youtube::testing::read_fixture("tdManualEn1/info.json"));
  std::string huge(5 * 1024 * 1024, 'x');
  info["description"] = huge;
  // Raw Latin-1 bytes inside a JSON string: yt-dlp never does this, a broken proxy might.
  std::string text = info.dump();
  auto title_at = text.find("\"title\":\"How the Immune");
  REQUIRE(title_at != std::string::npos);
  text.replace(title_at + 9, 3, "H\xF6w");
  TempFile big(text);
  auto config = fake_config({"FAKE_YTDLP_STDOUT_FILE=" + big.path});
  auto m = YtDlpSource(config).fetch("tdManualEn1");
  CHECK(m.description_truncated);
  CHECK(m.description.size() == kMaxDescriptionChars);
  CHECK(m.title.starts_with("H\xEF\xBF\xBDw the Immune"));
  CHECK_NOTHROW(to_json(m).dump());

  config.max_json_bytes = 1024 * 1024;
  CHECK(outcome([&] { YtDlpSource(config).fetch("tdManualEn1"); }) == "permanent:metadata_too_large");
}

TEST_CASE("a missing yt-dlp binary is a clear transient error") {
  auto config = fake_config();
  config.path = "/nonexistent/yt-dlp";
  try {
    YtDlpSource(config).fetch("tdManualEn1");
    FAIL("no error");
  } catch (const td::TransientError& e) {
    CHECK(e.reason() == "ytdlp_missing");
    CHECK(std::string(e.what()).find("YTDLP_PATH") != std::string::npos);
  }
  CHECK(outcome([&] { YtDlpSource(fake_config()).fetch("not-an-id"); }) == "permanent:bad_link");
}

TEST_CASE("transcripts: manual captions in the video's language first") {
  TempFile log("");
  auto config = fake_config({"FAKE_YTDLP_LOG=" + log.path});
  auto m = YtDlpSource(config).fetch("tdManualEn1");
  auto t = YtDlpTranscriptSource(config).fetch(m);
  CHECK(t.source == "manual");
  CHECK(t.language == "en");
  CHECK(t.text.starts_with("Every second of your life, you are under attack."));
  CHECK(t.segments.size() == 5);
  auto lines = log_lines(log.path);
  REQUIRE(lines.size() == 2);  // metadata, then one caption download: the listing was reused
  auto argv = nlohmann::json::parse(lines[1])["argv"];
  auto at = [&](const char* flag) {
    auto it = std::find(argv.begin(), argv.end(), flag);
    return it == argv.end() || it + 1 == argv.end() ? std::string() : (it + 1)->get<std::string>();
  };
  CHECK(std::find(argv.begin(), argv.end(), "--write-subs") != argv.end());
  CHECK(at("--sub-langs") == "en");
  CHECK(at("--sub-format") == "json3/vtt");
  CHECK(at("-o").ends_with("/%(id)s.%(ext)s"));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(at("-o")).parent_path()));  // temp dir removed
}

TEST_CASE("transcripts: auto captions (rolling VTT) when there are no manual ones") {
  auto config = fake_config();
  auto m = YtDlpSource(config).fetch("tdAutoRoll1");
  auto t = YtDlpTranscriptSource(config).fetch(m);
  CHECK(t.source == "auto");
  CHECK(t.language == "en");
  CHECK(t.text.find("write an http server in plain c") != std::string::npos);
  CHECK(t.text.find("http http") == std::string::npos);
}

TEST_CASE("transcripts: json3 auto captions in the video's language beat foreign manual ones") {
  auto config = fake_config();
  auto t = YtDlpTranscriptSource(config).fetch(YtDlpSource(config).fetch("tdJson3De01"));
  CHECK(t.source == "auto");
  CHECK(t.language == "de");
  CHECK(t.text == "warum ist die bahn so oft zu sp\xC3\xA4t das liegt vor allem am netz [Musik]");
}

TEST_CASE("transcripts: metadata without a caption listing (Data API) is listed first") {
  TempFile log("");
  auto config = fake_config({"FAKE_YTDLP_LOG=" + log.path});
  VideoMetadata from_api;
  from_api.id = "tdAutoRoll1";
  from_api.source = "data-api";
  auto t = YtDlpTranscriptSource(config).fetch(from_api);
  CHECK(t.source == "auto");
  CHECK(log_lines(log.path).size() == 2);
}

TEST_CASE("transcripts: none, unreadable, live, throttled") {
  auto config = fake_config();
  auto none = YtDlpSource(config).fetch("tdNoCapt001");
  CHECK(outcome([&] { YtDlpTranscriptSource(config).fetch(none); }) == "permanent:no_transcript");
  // Listed tracks whose downloads produce no file: tried, then no_transcript.
  auto empty = YtDlpSource(config).fetch("tdEmptyCap1");
  CHECK(outcome([&] { YtDlpTranscriptSource(config).fetch(empty); }) == "permanent:no_transcript");
  auto live = YtDlpSource(config).fetch("tdLiveNow01");
  CHECK(outcome([&] { YtDlpTranscriptSource(config).fetch(live); }) == "permanent:live_not_finished");
  auto upcoming = YtDlpSource(config).fetch("tdUpcoming1");
  CHECK(outcome([&] { YtDlpTranscriptSource(config).fetch(upcoming); }) == "permanent:live_not_finished");

  auto ok = YtDlpSource(config).fetch("tdManualEn1");
  auto throttled = fake_config(
      {"FAKE_YTDLP_PHASE=captions",
       "FAKE_YTDLP_STDERR=ERROR: Unable to download video subtitles for 'en': HTTP Error 429: Too Many Requests"});
  CHECK(outcome([&] { YtDlpTranscriptSource(throttled).fetch(ok); }) == "throttled");
  auto hang = fake_config({"FAKE_YTDLP_PHASE=captions", "FAKE_YTDLP_HANG=1"});
  hang.timeout = 500ms;
  CHECK(outcome([&] { YtDlpTranscriptSource(hang).fetch(ok); }) == "transient:ytdlp_timeout");
}

TEST_CASE("is_throttle tells the lead to pause instead of failing") {
  YtDlpSource source(fake_config({"FAKE_YTDLP_STDERR=ERROR: HTTP Error 429: Too Many Requests"}));
  try {
    source.fetch("tdManualEn1");
    FAIL("no error");
  } catch (const std::exception& e) {
    CHECK(is_throttle(e));
    CHECK(is_throttle(std::current_exception()));
    CHECK(dynamic_cast<const td::TransientError*>(&e) != nullptr);  // unaware callers still retry
  }
  CHECK_FALSE(is_throttle(td::TransientError("x")));
  CHECK(permanent_reason(td::PermanentError("no_transcript", "x")) == "no_transcript");
  CHECK_FALSE(permanent_reason(td::TransientError("x")).has_value());
}
