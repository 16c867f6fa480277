#include "tts/espeak_engine.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

#include "common/env.h"
#include "common/errors.h"
#include "tts/mp3_encoder.h"
#include "tts/script.h"

namespace td::tts {

namespace {

// libespeak-ng keeps its voice, parameters, output callback and synthesis
// buffers in process-wide globals and is not thread-safe. Every call into it
// (initialisation, voice and rate selection, synthesis) happens with
// g_espeak_mutex held, and g_sink, which the C callback writes into, is only
// set while it is held. We serialize rather than fork worker processes: one
// synthesis chunk takes milliseconds, and the MP3 encoding, the larger part
// of the work, runs outside the lock so concurrent jobs still overlap.
std::mutex g_espeak_mutex;
int g_sample_rate = 0;                   // 0 until initialised, -1 when that failed
std::vector<int16_t>* g_sink = nullptr;  // PCM of the chunk being synthesized

int on_audio(short* wav, int count, espeak_EVENT*) {
  if (wav && count > 0 && g_sink) g_sink->insert(g_sink->end(), wav, wav + count);
  return 0;
}

// Called with g_espeak_mutex held.
int ensure_initialised() {
  if (g_sample_rate == 0) {
    // DONT_EXIT: without it espeak calls exit() when its data is missing.
    int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
    g_sample_rate = rate > 0 ? rate : -1;
    if (rate > 0) espeak_SetSynthCallback(on_audio);
  }
  if (g_sample_rate < 0) {
    throw td::TransientError("espeak_unavailable", "libespeak-ng failed to initialise (is espeak-ng-data installed? ESPEAK_DATA_PATH)");
  }
  return g_sample_rate;
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A voice file name ("en-us", "fr") or, failing that, a language tag that
// espeak matches against its voices' language lists ("fr-fr", "es-mx").
// Called with g_espeak_mutex held.
bool select_voice(const std::string& voice) {
  if (espeak_SetVoiceByName(voice.c_str()) == EE_OK) return true;
  espeak_VOICE spec{};
  spec.languages = voice.c_str();
  if (espeak_SetVoiceByProperties(&spec) != EE_OK) return false;
  // espeak falls back to some default voice when nothing matches; accept the
  // choice only when its language is the one asked for (or a variant of it).
  const espeak_VOICE* chosen = espeak_GetCurrentVoice();
  if (!chosen || !chosen->languages || !chosen->languages[0]) return false;
  std::string got = lower(chosen->languages + 1);  // first byte is the priority
  std::string want = lower(voice);
  return got == want || got.rfind(want + "-", 0) == 0 || want.rfind(got + "-", 0) == 0;
}

int env_rate(const char* name, int fallback) {
  long v = td::env::get_long(name, fallback);
  if (v < espeakRATE_MINIMUM || v > espeakRATE_MAXIMUM) {
    throw std::invalid_argument(std::string(name) + "=" + std::to_string(v) + " is outside espeak's 80..450 words per minute");
  }
  return int(v);
}

}  // namespace

EspeakOptions EspeakOptions::from_env() {
  EspeakOptions o;
  o.rate_plain = env_rate("TTS_RATE", o.rate_plain);
  o.rate_beginner = env_rate("TTS_RATE_BEGINNER", o.rate_beginner);
  o.rate_intermediate = env_rate("TTS_RATE_INTERMEDIATE", o.rate_intermediate);
  o.rate_advanced = env_rate("TTS_RATE_ADVANCED", o.rate_advanced);
  o.mp3_kbps = int(td::env::get_long("TTS_MP3_KBPS", o.mp3_kbps));
  if (!valid_mp3_kbps(22050, o.mp3_kbps)) {
    throw std::invalid_argument("TTS_MP3_KBPS=" + std::to_string(o.mp3_kbps) + " is outside 8..160 kbit/s (espeak speaks at 22050 Hz)");
  }
  o.lame_quality = int(std::clamp(td::env::get_long("TTS_LAME_QUALITY", o.lame_quality), 0L, 9L));
  o.max_script_bytes = size_t(std::max(1L, td::env::get_long("TTS_MAX_SCRIPT_BYTES", long(o.max_script_bytes))));
  for (std::string lang : {"en", "fr", "es", "de", "it", "pt", "nl"}) {
    std::string up = lang;
    for (auto& c : up) c = char(std::toupper(static_cast<unsigned char>(c)));
    if (auto v = td::env::get(("TTS_ESPEAK_VOICE_" + up).c_str())) o.voices[lang] = *v;
  }
  return o;
}

int EspeakOptions::rate_for(td::Level level) const {
  switch (level) {
    case td::Level::beginner: return rate_beginner;
    case td::Level::intermediate: return rate_intermediate;
    case td::Level::advanced: return rate_advanced;
    case td::Level::none: break;
  }
  return rate_plain;
}

EspeakEngine::EspeakEngine(EspeakOptions options) : options_(std::move(options)) {}

std::string EspeakEngine::voice_for(const SpeechRequest& request) const {
  if (!request.voice.empty()) return request.voice;
  auto it = options_.voices.find(lower(request.language));
  if (it == options_.voices.end()) {
    std::string known;
    for (auto& [lang, _] : options_.voices) known += (known.empty() ? "" : ", ") + lang;
    throw td::PermanentError("no_voice", "espeak has no voice configured for language '" + request.language + "' (configured: " + known +
                                             "; set TTS_ESPEAK_VOICE_<LANG>)");
  }
  return it->second;
}

SpeechPlan EspeakEngine::plan(const SpeechRequest& request) const {
  return {"espeak", voice_for(request), "wpm=" + std::to_string(options_.rate_for(request.level))};
}

Mp3Audio EspeakEngine::synthesize(const std::string& script, const SpeechRequest& request) {
  SpeechPlan p = plan(request);
  int wpm = options_.rate_for(request.level);
  auto chunks = prepare_script(script, options_.chunk_bytes, options_.max_script_bytes);

  std::optional<Mp3Encoder> encoder;
  std::vector<int16_t> pcm;
  int sample_rate = 0;
  for (const auto& chunk : chunks) {
    pcm.clear();
    {
      std::lock_guard<std::mutex> lock(g_espeak_mutex);
      sample_rate = ensure_initialised();
      // Another thread may have changed voice or rate since our last chunk.
      if (!select_voice(p.voice)) {
        throw td::PermanentError("no_voice", "espeak-ng has no voice '" + p.voice + "' for language '" + request.language +
                                                 "' (installed with espeak-ng-data?)");
      }
      espeak_SetParameter(espeakRATE, wpm, 0);
      g_sink = &pcm;
      espeak_ERROR err = espeak_Synth(chunk.c_str(), chunk.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
      if (err == EE_OK) err = espeak_Synchronize();
      g_sink = nullptr;
      if (err != EE_OK) throw td::TransientError("espeak_failed", "espeak_Synth failed with code " + std::to_string(int(err)));
    }
    if (!encoder) encoder.emplace(sample_rate, options_.mp3_kbps, options_.lame_quality);
    encoder->add(pcm.data(), pcm.size());
  }
  if (!encoder || encoder->samples() == 0) {
    throw td::PermanentError("no_audio", "espeak produced no audio for the script (" + std::to_string(script.size()) + " bytes)");
  }
  Mp3Audio audio;
  audio.duration_seconds = double(encoder->samples()) / sample_rate;
  audio.bytes = encoder->finish();
  audio.engine = p.engine;
  audio.voice = p.voice;
  audio.rate = p.rate;
  audio.sample_rate = sample_rate;
  return audio;
}

}  // namespace td::tts
