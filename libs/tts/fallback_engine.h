// Tries a primary engine and, when it fails, a fallback (TTS_FALLBACK=espeak
// behind the openai engine), so a dead or misconfigured speech server still
// yields audio. The result names the engine that actually spoke, so its reuse
// hash differs from the primary's plan and a later run with
// regenerate_audio=false tries the primary again instead of reusing it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "tts/engine.h"

namespace td::tts {

// What a FallbackEngine::synthesize call on this thread did when the
// fallback spoke: the primary's planned engine, the engine that spoke, and the
// primary's failure reason ("tts_auth", "tts_unavailable", ...). Kept per
// thread because synthesize() runs on the caller's thread and engines are
// shared by every worker slot (and may be wrapped, e.g. by a counting engine
// in tests), so the stage cannot ask the engine object. The tts stage calls
// take_fallback() (which clears it) before and after synthesize().
struct FallbackUsed {
  std::string from;
  std::string to;
  std::string reason;
};
std::optional<FallbackUsed> take_fallback();

class FallbackEngine final : public TtsEngine {
 public:
  FallbackEngine(std::unique_ptr<TtsEngine> primary, std::unique_ptr<TtsEngine> fallback);
  SpeechPlan plan(const SpeechRequest& request) const override;  // the primary's
  // Scripts that can never be spoken (empty_script, script_too_long) are not
  // retried on the fallback. When both fail the error is transient if either
  // failure was, and its message carries both.
  Mp3Audio synthesize(const std::string& script, const SpeechRequest& request) override;

 private:
  std::unique_ptr<TtsEngine> primary_;
  std::unique_ptr<TtsEngine> fallback_;
};

}  // namespace td::tts
