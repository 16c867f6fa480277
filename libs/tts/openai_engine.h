// Any OpenAI-compatible speech endpoint: POST {base}/audio/speech with
// {model, input, voice, response_format: "mp3"[, speed]}.
//
// Scripts longer than the request limit are split at sentence boundaries and
// the MP3 parts joined with join_mp3. Every part is validated before it is
// accepted; if any part fails after its retries the whole call throws and
// nothing is returned.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "common/backoff.h"
#include "tts/engine.h"

namespace td::tts {

struct OpenAiSpeechOptions {
  std::string base_url = "https://api.openai.com/v1";  // TTS_BASE_URL
  std::string api_key;                                 // TTS_API_KEY (no header when empty)
  std::string model = "tts-1";                         // TTS_MODEL
  std::string voice = "alloy";                         // TTS_VOICE
  std::map<std::string, std::string> voices;           // TTS_VOICE_EN / _FR / _ES
  // Playback speed per level; sent only when it is not 1.0, so servers
  // without `speed` support work with the defaults.
  double speed_plain = 1.0, speed_beginner = 0.85, speed_intermediate = 1.0, speed_advanced = 1.0;  // TTS_SPEED_*
  size_t max_chars = 4000;               // TTS_MAX_CHARS (bytes of UTF-8 per request)
  size_t max_script_bytes = 512 * 1024;  // TTS_MAX_SCRIPT_BYTES
  int max_attempts = 4;                  // TTS_MAX_ATTEMPTS, per part
  td::Backoff backoff{std::chrono::milliseconds(1000), std::chrono::seconds(16), 0.25};
  // A Retry-After longer than this is not waited out in-process: the call
  // fails transiently and the job queue retries later.
  std::chrono::milliseconds max_retry_after{std::chrono::seconds(60)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};  // TTS_TIMEOUT
  // How waiting happens; tests record instead of sleeping.
  std::function<void(std::chrono::milliseconds)> sleep;

  static OpenAiSpeechOptions from_env();
  double speed_for(td::Level level) const;
};

class OpenAiSpeechEngine final : public TtsEngine {
 public:
  explicit OpenAiSpeechEngine(OpenAiSpeechOptions options = OpenAiSpeechOptions::from_env());
  SpeechPlan plan(const SpeechRequest& request) const override;
  Mp3Audio synthesize(const std::string& script, const SpeechRequest& request) override;

 private:
  std::string fetch_part(const std::string& text, const std::string& voice, double speed, size_t index, size_t count);
  OpenAiSpeechOptions options_;
};

}  // namespace td::tts
