#include "tts/openai_engine.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/env.h"
#include "common/errors.h"
#include "common/http_client.h"
#include "tts/mp3.h"
#include "tts/script.h"

namespace td::tts {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string speed_text(double speed) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "speed=%.2f", speed);
  return buf;
}

double env_speed(const char* name, double fallback) {
  double v = td::env::get_double(name, fallback);
  if (!(v >= 0.25 && v <= 4.0)) throw std::invalid_argument(std::string(name) + " must be between 0.25 and 4.0");
  return v;
}

// Why a 2xx body cannot be used as audio; "" when it is a valid MP3.
std::string audio_problem(const td::http::Response& r) {
  if (r.body.empty()) return "empty body";
  auto type = lower(r.header("content-type").value_or(""));
  if (type.find("text/html") != std::string::npos) return "HTML page instead of MP3 audio (content-type " + type + ")";
  if (type.find("json") != std::string::npos) return "JSON instead of MP3 audio: " + r.body.substr(0, 200);
  return validate_mp3(r.body);
}

}  // namespace

OpenAiSpeechOptions OpenAiSpeechOptions::from_env() {
  OpenAiSpeechOptions o;
  o.base_url = td::env::get_or("TTS_BASE_URL", o.base_url);
  o.api_key = td::env::get_or("TTS_API_KEY", "");
  o.model = td::env::get_or("TTS_MODEL", o.model);
  o.voice = td::env::get_or("TTS_VOICE", o.voice);
  for (auto [lang, var] : {std::pair{"en", "TTS_VOICE_EN"}, {"fr", "TTS_VOICE_FR"}, {"es", "TTS_VOICE_ES"}}) {
    if (auto v = td::env::get(var)) o.voices[lang] = *v;
  }
  o.speed_plain = env_speed("TTS_SPEED", o.speed_plain);
  o.speed_beginner = env_speed("TTS_SPEED_BEGINNER", o.speed_beginner);
  o.speed_intermediate = env_speed("TTS_SPEED_INTERMEDIATE", o.speed_intermediate);
  o.speed_advanced = env_speed("TTS_SPEED_ADVANCED", o.speed_advanced);
  o.max_chars = size_t(std::max(200L, td::env::get_long("TTS_MAX_CHARS", long(o.max_chars))));
  o.max_script_bytes = size_t(std::max(1L, td::env::get_long("TTS_MAX_SCRIPT_BYTES", long(o.max_script_bytes))));
  o.max_attempts = int(std::max(1L, td::env::get_long("TTS_MAX_ATTEMPTS", o.max_attempts)));
  o.timeout = td::env::get_duration("TTS_TIMEOUT", o.timeout);
  return o;
}

double OpenAiSpeechOptions::speed_for(td::Level level) const {
  switch (level) {
    case td::Level::beginner: return speed_beginner;
    case td::Level::intermediate: return speed_intermediate;
    case td::Level::advanced: return speed_advanced;
    case td::Level::none: break;
  }
  return speed_plain;
}

OpenAiSpeechEngine::OpenAiSpeechEngine(OpenAiSpeechOptions options) : options_(std::move(options)) {
  if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

SpeechPlan OpenAiSpeechEngine::plan(const SpeechRequest& request) const {
  std::string voice = request.voice;
  if (voice.empty()) {
    auto it = options_.voices.find(lower(request.language));
    voice = it != options_.voices.end() ? it->second : options_.voice;
  }
  return {"openai:" + options_.model, voice, speed_text(options_.speed_for(request.level))};
}

std::string OpenAiSpeechEngine::fetch_part(const std::string& text, const std::string& voice, double speed,
                                           size_t index, size_t count) {
  nlohmann::json body = {{"model", options_.model}, {"input", text}, {"voice", voice}, {"response_format", "mp3"}};
  if (std::fabs(speed - 1.0) > 1e-9) body["speed"] = speed;
  td::http::Request req;
  req.method = "POST";
  req.url = td::http::join_url(options_.base_url, "audio/speech");
  req.body = body.dump();
  req.headers["Accept"] = "audio/mpeg";
  if (!options_.api_key.empty()) req.headers["Authorization"] = "Bearer " + options_.api_key;
  req.connect_timeout = options_.connect_timeout;
  req.timeout = options_.timeout;

  std::string part = "part " + std::to_string(index + 1) + "/" + std::to_string(count);
  std::string last_error, reason = "tts_unavailable";
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    auto r = td::http::send(req);
    std::optional<std::chrono::milliseconds> wait;
    if (r.status >= 200 && r.status < 300) {
      std::string problem = audio_problem(r);
      if (problem.empty()) return std::move(r.body);
      last_error = "bad audio from the speech API: " + problem;
      reason = "tts_bad_audio";
    } else if (!r.retryable()) {
      bool auth = r.status == 401 || r.status == 403;
      throw td::PermanentError(auth ? "tts_auth" : "tts_rejected",
                               std::string("speech API ") +
                                   (auth ? "refused our credentials" : "rejected the request") + " (" + part +
                                   "): " + r.describe());
    } else {
      // describe() says what failed: "timed out after 60 s waiting for <url>", "HTTP 503 from <url>: ...".
      last_error = "speech API: " + r.describe();
      reason = r.status == 429 ? "tts_rate_limited" : "tts_unavailable";
      if (r.status == 429 || r.status == 503) wait = r.retry_after();
    }
    if (attempt == options_.max_attempts) break;
    auto delay = options_.backoff.delay(attempt);
    if (wait) {
      if (*wait > options_.max_retry_after) {
        throw td::TransientError(reason, last_error + " (" + part + "; Retry-After " +
                                             std::to_string(wait->count() / 1000) +
                                             " s is longer than we wait in-process)");
      }
      delay = *wait;
    }
    spdlog::warn("tts openai {} attempt={} error=\"{}\" retry_in_ms={}", part, attempt, last_error, delay.count());
    options_.sleep(delay);
  }
  throw td::TransientError(
      reason, last_error + " (" + part + ", gave up after " + std::to_string(options_.max_attempts) + " attempts)");
}

Mp3Audio OpenAiSpeechEngine::synthesize(const std::string& script, const SpeechRequest& request) {
  SpeechPlan p = plan(request);
  double speed = options_.speed_for(request.level);
  auto chunks = prepare_script(script, options_.max_chars, options_.max_script_bytes);
  std::vector<std::string> parts;
  parts.reserve(chunks.size());
  for (size_t i = 0; i < chunks.size(); ++i) parts.push_back(fetch_part(chunks[i], p.voice, speed, i, chunks.size()));
  Mp3Audio audio;
  try {
    audio.bytes = join_mp3(parts);
  } catch (const Mp3Error& e) {
    // Parts were each valid, so this is a format mismatch between responses.
    throw td::TransientError("tts_bad_audio", std::string("speech API parts cannot be joined: ") + e.what());
  }
  Mp3Info info = analyze_mp3(audio.bytes);
  audio.duration_seconds = info.duration_seconds();
  audio.sample_rate = info.sample_rate;
  audio.engine = p.engine;
  audio.voice = p.voice;
  audio.rate = p.rate;
  return audio;
}

}  // namespace td::tts
