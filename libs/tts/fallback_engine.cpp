#include "tts/fallback_engine.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "common/errors.h"

namespace td::tts {

namespace {

thread_local std::optional<FallbackUsed> last_fallback;

// Any exception an engine did not mean is worth another try.
td::ErrorInfo describe(std::exception_ptr e) { return td::describe_error(e, {"tts_failed", "", false}); }

}  // namespace

FallbackEngine::FallbackEngine(std::unique_ptr<TtsEngine> primary, std::unique_ptr<TtsEngine> fallback)
    : primary_(std::move(primary)), fallback_(std::move(fallback)) {
  if (!primary_ || !fallback_) throw std::invalid_argument("FallbackEngine needs two engines");
}

std::optional<FallbackUsed> take_fallback() {
  auto out = std::move(last_fallback);
  last_fallback.reset();
  return out;
}

SpeechPlan FallbackEngine::plan(const SpeechRequest& request) const { return primary_->plan(request); }

Mp3Audio FallbackEngine::synthesize(const std::string& script, const SpeechRequest& request) {
  td::ErrorInfo first;
  try {
    return primary_->synthesize(script, request);
  } catch (const td::PermanentError& e) {
    if (e.reason() == "empty_script" || e.reason() == "script_too_long") throw;
    first = describe(std::current_exception());
  } catch (const std::exception&) {
    first = describe(std::current_exception());
  }
  spdlog::warn("tts primary engine failed, using fallback reason={} error=\"{}\"", first.reason, first.message);
  try {
    auto audio = fallback_->synthesize(script, request);
    std::string from;
    try {
      from = primary_->plan(request).engine;
    } catch (const std::exception&) {
      from = "primary";  // plan() failed too (no voice): name the role
    }
    last_fallback = FallbackUsed{from, audio.engine, first.reason};
    return audio;
  } catch (const std::exception&) {
    td::ErrorInfo second = describe(std::current_exception());
    std::string message = "primary: " + first.message + "; fallback: " + second.message;
    if (first.permanent && second.permanent) throw td::PermanentError(second.reason, message);
    throw td::TransientError(first.permanent ? second.reason : first.reason, message);
  }
}

}  // namespace td::tts
