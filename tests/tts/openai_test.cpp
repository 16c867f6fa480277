#include <doctest/doctest.h>

#include "common/errors.h"
#include "fixtures.h"
#include "mock_speech.h"
#include "mp3_decode.h"
#include "tts/mp3.h"
#include "tts/openai_engine.h"
#include "tts/script.h"

using namespace td::tts;
using namespace td::tts::test;
using namespace std::chrono_literals;

namespace {

// Real MP3 bytes as a speech server would send them.
const std::string& served_mp3() {
  static const std::string bytes = speak("Served by the mock speech server.").bytes;
  return bytes;
}

struct Harness {
  MockSpeechServer server;
  std::vector<std::chrono::milliseconds> sleeps;
  OpenAiSpeechOptions options;

  explicit Harness(MockSpeechServer::Handler h) : server(std::move(h)) {
    options.base_url = server.base_url();
    options.api_key = "test-key";
    options.model = "tts-test";
    options.voice = "alloy";
    options.voices["fr"] = "nova";
    options.max_attempts = 3;
    options.backoff = td::Backoff{10ms, 40ms, 0.0};
    options.timeout = 2s;
    options.sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
  }
  Mp3Audio run(const std::string& script, SpeechRequest request = {}) {
    return OpenAiSpeechEngine(options).synthesize(script, request);
  }
};

void serve_mp3(httplib::Response& res) { res.set_content(served_mp3(), "audio/mpeg"); }

template <typename E>
E error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  }
  FAIL("expected an exception");
  return E("none", "none");
}

}  // namespace

TEST_CASE("a long script is split at sentences under the limit and the parts are joined into one valid MP3") {
  Harness h([](int, const httplib::Request&, httplib::Response& res) { serve_mp3(res); });
  std::string script;
  for (int i = 0; script.size() < 11000; ++i)
    script += "This is sentence " + std::to_string(i) + " of a long **summary** script. ";
  auto audio = h.run(script, {"fr", td::Level::beginner, ""});

  auto seen = h.server.seen();
  REQUIRE(seen.size() >= 3);
  std::string sent;
  for (auto& r : seen) {
    REQUIRE(r.body.is_object());
    CHECK(r.authorization == "Bearer test-key");
    CHECK(r.body["model"] == "tts-test");
    CHECK(r.body["voice"] == "nova");
    CHECK(r.body["response_format"] == "mp3");
    CHECK(r.body["speed"].get<double>() == doctest::Approx(0.85));
    std::string input = r.body["input"];
    CHECK(input.size() <= 4000);
    CHECK(input.back() == '.');
    sent += (sent.empty() ? "" : " ") + input;
  }
  CHECK(sent == clean_script(script));  // nothing lost, nothing repeated, markup gone
  CHECK(h.sleeps.empty());

  auto one = analyze_mp3(served_mp3());
  auto info = analyze_mp3(audio.bytes);
  CHECK(info.frames == seen.size() * one.frames);
  REQUIRE(info.header);
  CHECK(info.header->frames.value_or(0) == info.frames);
  auto decoded = decode_mp3(audio.bytes);
  // Within one frame: decoders drop their own start-up delay (mpg123: 529 samples).
  const double frame = 576.0 / 22050;
  CHECK(std::abs(decoded.seconds() - seen.size() * one.frames_seconds()) < frame);
  CHECK(std::abs(audio.duration_seconds - decoded.seconds()) < frame);
  CHECK(decoded.rms() > 500);
  CHECK(audio.engine == "openai:tts-test");
  CHECK(audio.voice == "nova");
  CHECK(audio.rate == "speed=0.85");
}

TEST_CASE("the default voice and speed send no speed field") {
  Harness h([](int, const httplib::Request&, httplib::Response& res) { serve_mp3(res); });
  h.run("Short script.", {"en", td::Level::intermediate, ""});
  auto seen = h.server.seen();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].body["voice"] == "alloy");
  CHECK_FALSE(seen[0].body.contains("speed"));
}

TEST_CASE("429 with Retry-After is waited out for exactly that long, then the request succeeds") {
  Harness h([](int n, const httplib::Request&, httplib::Response& res) {
    if (n == 0) {
      res.status = 429;
      res.set_header("Retry-After", "2");
      res.set_content("{\"error\":\"slow down\"}", "application/json");
    } else {
      serve_mp3(res);
    }
  });
  auto audio = h.run("Hello there.");
  CHECK(validate_mp3(audio.bytes) == "");
  CHECK(h.server.seen().size() == 2);
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] == 2000ms);
}

TEST_CASE("a Retry-After longer than the in-process cap fails at once as transient") {
  Harness h([](int, const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "3600");
  });
  auto e = error_of<td::TransientError>([&] { h.run("Hello there."); });
  CHECK(e.reason() == "tts_rate_limited");
  CHECK(h.server.seen().size() == 1);
  CHECK(h.sleeps.empty());
}

TEST_CASE("a 500 is retried with backoff and the next success is used") {
  Harness h([](int n, const httplib::Request&, httplib::Response& res) {
    if (n == 0) {
      res.status = 500;
      res.set_content("internal error", "text/plain");
    } else {
      serve_mp3(res);
    }
  });
  auto audio = h.run("Hello there.");
  CHECK(analyze_mp3(audio.bytes).frames == analyze_mp3(served_mp3()).frames);
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] == 10ms);
}

TEST_CASE("persistent 503s give up after max_attempts with capped backoff and a transient error") {
  Harness h([](int, const httplib::Request&, httplib::Response& res) { res.status = 503; });
  h.options.max_attempts = 4;
  auto e = error_of<td::TransientError>([&] { h.run("Hello there."); });
  CHECK(e.reason() == "tts_unavailable");
  CHECK(std::string(e.what()).find("HTTP 503") != std::string::npos);
  CHECK(h.server.seen().size() == 4);
  CHECK(h.sleeps == std::vector<std::chrono::milliseconds>{10ms, 20ms, 40ms});
}

TEST_CASE("an HTML page with status 200 is a transient bad-audio error, never returned as audio") {
  Harness h([](int, const httplib::Request&, httplib::Response& res) {
    res.set_content("<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>", "text/html");
  });
  auto e = error_of<td::TransientError>([&] { h.run("Hello there."); });
  CHECK(e.reason() == "tts_bad_audio");
  CHECK(std::string(e.what()).find("HTML") != std::string::npos);
  CHECK(h.server.seen().size() == 3);
}

TEST_CASE("HTML labelled as audio/mpeg and an empty body are caught by looking at the bytes") {
  Harness html(
      [](int, const httplib::Request&, httplib::Response& res) { res.set_content("<html>oops</html>", "audio/mpeg"); });
  CHECK(std::string(error_of<td::TransientError>([&] { html.run("Hi."); }).what()).find("HTML") != std::string::npos);
  Harness empty([](int, const httplib::Request&, httplib::Response& res) { res.set_content("", "audio/mpeg"); });
  CHECK(std::string(error_of<td::TransientError>([&] { empty.run("Hi."); }).what()).find("empty") != std::string::npos);
}

TEST_CASE("a truncated MP3 in the middle part fails the whole call; nothing half-done is returned") {
  Harness h([](int n, const httplib::Request&, httplib::Response& res) {
    const std::string& mp3 = served_mp3();
    res.set_content(n == 1 ? mp3.substr(0, mp3.size() - 77) : mp3, "audio/mpeg");
  });
  h.options.max_attempts = 1;
  h.options.max_chars = 200;
  std::string script;
  for (int i = 0; i < 10; ++i) script += "Sentence " + std::to_string(i) + " is long enough to matter here. ";
  auto e = error_of<td::TransientError>([&] { h.run(script); });
  CHECK(e.reason() == "tts_bad_audio");
  CHECK(std::string(e.what()).find("truncated") != std::string::npos);
  CHECK(std::string(e.what()).find("part 2/") != std::string::npos);
  CHECK(h.server.seen().size() == 2);  // stopped at the broken part
}

TEST_CASE("401 is a permanent auth error after a single request") {
  Harness h([](int, const httplib::Request&, httplib::Response& res) {
    res.status = 401;
    res.set_content("{\"error\":{\"message\":\"Incorrect API key provided\"}}", "application/json");
  });
  auto e = error_of<td::PermanentError>([&] { h.run("Hello there."); });
  CHECK(e.reason() == "tts_auth");
  CHECK(std::string(e.what()).find("Incorrect API key") != std::string::npos);
  CHECK(h.server.seen().size() == 1);
  CHECK(h.sleeps.empty());
}

TEST_CASE("a server that does not answer in time is retried, then reported as transient") {
  MockSpeechServer* self = nullptr;
  Harness h([&](int, const httplib::Request&, httplib::Response& res) {
    self->stall(3s);
    serve_mp3(res);
  });
  self = &h.server;
  h.options.timeout = 200ms;
  h.options.max_attempts = 2;
  auto start = std::chrono::steady_clock::now();
  auto e = error_of<td::TransientError>([&] { h.run("Hello there."); });
  CHECK(e.reason() == "tts_unavailable");
  CHECK(std::string(e.what()) == "speech API: timed out after 0.2 s waiting for " + h.server.base_url() +
                                     "/audio/speech (part 1/1, gave up after 2 attempts)");
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(h.server.seen().size() == 2);
}

TEST_CASE("an empty script fails before any request") {
  Harness h([](int, const httplib::Request&, httplib::Response& res) { serve_mp3(res); });
  CHECK(error_of<td::PermanentError>([&] { h.run(" 🎉 "); }).reason() == "empty_script");
  CHECK(h.server.seen().empty());
}
