#include "tts/espeak_engine.h"

#include <espeak-ng/speak_lib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>
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
// The voice espeak has loaded (empty: none, or unknown after a failure).
// Loading one reads its files, which costs more than speaking a short piece.
std::string g_loaded_voice;

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
    throw td::TransientError("espeak_unavailable",
                             "libespeak-ng failed to initialise (is espeak-ng-data installed? ESPEAK_DATA_PATH)");
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
    throw std::invalid_argument(std::string(name) + "=" + std::to_string(v) +
                                " is outside espeak's 80..450 words per minute");
  }
  return int(v);
}

// Called with g_espeak_mutex held.
void load_voice(const std::string& voice, const std::string& language) {
  if (g_loaded_voice == voice) return;
  g_loaded_voice.clear();
  if (!select_voice(voice)) {
    throw td::PermanentError("no_voice", "espeak-ng has no voice '" + voice + "' for language '" + language +
                                             "' (installed with espeak-ng-data?)");
  }
  g_loaded_voice = voice;
}

// espeak's two speed controls.
struct Pace {
  int rate = 175;  // espeakRATE
  int gap = 0;     // espeakWORDGAP: extra pause between words, in 10 ms at espeak's default speed
  bool operator==(const Pace& o) const { return rate == o.rate && gap == o.gap; }
};

// What every espeak call of one synthesize() shares.
struct Speaker {
  std::string voice;
  std::string language;  // for error messages
  int sample_rate = 0;

  // One espeak_Synth call: `text` at `pace`, as PCM.
  std::vector<int16_t> speak(const std::string& text, Pace pace) const {
    std::vector<int16_t> pcm;
    std::lock_guard<std::mutex> lock(g_espeak_mutex);
    ensure_initialised();
    // Another thread may have changed voice or speed since our last call.
    load_voice(voice, language);
    espeak_SetParameter(espeakRATE, pace.rate, 0);
    espeak_SetParameter(espeakWORDGAP, pace.gap, 0);
    g_sink = &pcm;
    espeak_ERROR err =
        espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
    if (err == EE_OK) err = espeak_Synchronize();
    g_sink = nullptr;
    if (err != EE_OK) {
      g_loaded_voice.clear();  // whatever state espeak is left in, load the voice afresh next time
      throw td::TransientError("espeak_failed", "espeak_Synth failed with code " + std::to_string(int(err)));
    }
    return pcm;
  }
};

int espeak_sample_rate() {
  std::lock_guard<std::mutex> lock(g_espeak_mutex);
  return ensure_initialised();
}

// Pacing: how a setting in words per minute becomes espeak's parameters.
//
// espeakRATE is not what a listener measures. At 175 en-us speaks one
// 210-word script at 192 words per minute and a 302-word one at 218; fr at
// 180 comes out at 215..250 and es close to its setting. Lengths do scale
// as 1/rate, but by a factor that depends on the voice and on the text (word
// length, punctuation), so no table per language holds, and a calibration
// text measured at start would be off by as much for the next script. So
// every script is timed, which costs little because synthesis is the cheap
// part of the work (tts_bench):
//
//  1. Its first pieces, at least kSampleWords words (the whole of a usual
//     180..380-word summary), are synthesized at a first guess: the pace that
//     last fitted this voice and target, else espeakRATE = target.
//  2. Their length is compared with what the target allows their words
//     (less the paragraph pauses' share, see Piece and Budget). Within
//     kTolerance the PCM is kept for the MP3; otherwise the rate is scaled
//     by measured / wanted and the sample synthesized again, at most
//     kMaxPasses times in all (the closest pass is used).
//  3. Below kSlowestRate espeak stops slowing down, so slower targets keep
//     that rate and add pauses between words (espeakWORDGAP) instead, then
//     correct the rate again with the pauses in place.
//  4. The rest of the script is spoken at the pace found, which is remembered
//     per voice and target as the next script's first guess (and scaled, as
//     the first guess for the voice's other targets).
constexpr double kTolerance = 0.03;
constexpr int kMaxPasses = 5;
constexpr size_t kSampleWords = 300;
// A shorter sample is timed but not remembered: its pace is mostly espeak's
// silence at the start and end, no guide for a script of normal length.
constexpr size_t kRememberWords = 40;
// espeak-ng 1.51 speaks no slower below a rate of about 85 (80 and 84 give
// the same length), and above 450 it speeds up with libsonic.
constexpr int kSlowestRate = 90;
constexpr int kFastestRate = 900;
constexpr int kMaxGap = 100;
// Seconds one espeakWORDGAP unit adds per word at kSlowestRate (about 0.027
// for en-us, fr and es in espeak-ng 1.51): only a first guess, measuring
// corrects it.
constexpr double kGapSecondsPerWord = 0.027;

// One espeak call's text and what follows it. espeak pauses after a
// sentence only when more text follows in the same call, so where a
// paragraph was cut into pieces, and after each paragraph, that pause is
// added as silence; a paragraph gets a further pause of its own.
enum class After { nothing, sentence, paragraph };

struct Piece {
  std::string text;
  size_t words = 0;
  After after = After::nothing;
};

// split_sentences cuts inside a sentence only when it is longer than a
// chunk; no sentence pause goes there.
bool ends_sentence(const std::string& chunk) {
  size_t last = chunk.find_last_not_of("\"')");
  return last != std::string::npos && std::strchr(".!?", chunk[last]) != nullptr;
}

std::vector<Piece> pieces_of(const std::vector<std::vector<std::string>>& paragraphs) {
  std::vector<Piece> pieces;
  for (const auto& paragraph : paragraphs) {
    for (const auto& chunk : paragraph) {
      pieces.push_back({chunk, count_spoken_words(chunk), ends_sentence(chunk) ? After::sentence : After::nothing});
    }
    pieces.back().after = After::paragraph;
  }
  pieces.back().after = After::nothing;  // the MP3 ends with espeak's own closing silence
  return pieces;
}

size_t words_in(const std::vector<Piece>& pieces, size_t n) {
  size_t words = 0;
  for (size_t i = 0; i < n; ++i) words += pieces[i].words;
  return words;
}

// The first pieces holding kSampleWords words, or all of them.
size_t sample_size(const std::vector<Piece>& pieces) {
  size_t n = 0, words = 0;
  while (n < pieces.size() && words < kSampleWords) words += pieces[n++].words;
  return n;
}

// espeak's pause between two sentences of one call, in samples: 0.84 s at
// rate 90, 0.53 s at 125, 0.31 s at 175, under 0.1 s from 300 (en-us, fr and
// es alike in espeak-ng 1.51, measured as the silence between two short
// sentences).
size_t sentence_pause_samples(Pace pace, int sample_rate) {
  return size_t(std::max(0.0, 97.0 / pace.rate - 0.24) * sample_rate);
}

// How the target's time is shared between speech (espeak's output and its
// sentence pauses) and the pauses that set paragraphs apart.
struct Budget {
  double word_seconds = 0;       // speech per word
  size_t paragraph_samples = 0;  // each paragraph's own pause
};

// A paragraph's own pause is 0.5 s at 175 words per minute, longer for
// slower speech (0.7 s at 125, at most 1 s), and all of them together take
// at most 5% of the time, so that a list of short items (each one a
// paragraph) does not make the words themselves much faster.
Budget budget_for(const std::vector<Piece>& pieces, int wpm, int sample_rate) {
  size_t breaks = 0;
  for (const auto& p : pieces) breaks += p.after == After::paragraph ? 1 : 0;
  size_t words = std::max<size_t>(1, words_in(pieces, pieces.size()));
  double total = double(words) * 60.0 / wpm;
  double pause = breaks == 0 ? 0 : std::min({87.5 / wpm, 1.0, 0.05 * total / double(breaks)});
  return {(total - double(breaks) * pause) / double(words), size_t(pause * sample_rate)};
}

// The next pace to try after `pace` gave `measured` seconds instead of `wanted`.
Pace next_pace(Pace pace, double measured, double wanted, size_t words) {
  double rate = pace.rate * measured / wanted;
  if (rate >= kSlowestRate || pace.gap >= kMaxGap) {
    return {int(std::clamp(std::lround(rate), long(kSlowestRate), long(kFastestRate))), pace.gap};
  }
  double at_slowest = measured * pace.rate / kSlowestRate;
  long more = std::lround((wanted - at_slowest) / (double(std::max<size_t>(words, 1)) * kGapSecondsPerWord));
  return {kSlowestRate, int(std::min<long>(pace.gap + std::max(1L, more), kMaxGap))};
}

// The pieces a pace was measured on, spoken, with how long they took.
struct Sample {
  Pace pace;
  std::vector<std::vector<int16_t>> pcm;  // one per piece
  double seconds = 0;
  int passes = 0;
};

// Speech only: the sentence pauses after pieces count, paragraph pauses not.
Sample speak_sample(const Speaker& speaker, const std::vector<Piece>& pieces, size_t n, Pace pace) {
  Sample s;
  s.pace = pace;
  size_t samples = 0;
  for (size_t i = 0; i < n; ++i) {
    s.pcm.push_back(speaker.speak(pieces[i].text, pace));
    samples += s.pcm.back().size();
    if (pieces[i].after != After::nothing) samples += sentence_pause_samples(pace, speaker.sample_rate);
  }
  s.seconds = double(samples) / speaker.sample_rate;
  return s;
}

// Steps 1 to 3 above: the sample spoken at the pace closest to `wanted` seconds.
Sample fit_sample(const Speaker& speaker, const std::vector<Piece>& pieces, size_t n, Pace first, double wanted) {
  auto miss = [&](double seconds) { return seconds > 0 ? std::abs(std::log(seconds / wanted)) : HUGE_VAL; };
  size_t words = words_in(pieces, n);
  Sample best;
  Pace pace = first;
  for (int pass = 1;; ++pass) {
    Sample s = speak_sample(speaker, pieces, n, pace);
    double measured = s.seconds;
    if (pass == 1 || miss(measured) < miss(best.seconds)) best = std::move(s);
    best.passes = pass;
    if (measured <= 0 || std::abs(measured / wanted - 1) <= kTolerance || pass == kMaxPasses) break;
    Pace next = next_pace(pace, measured, wanted, words);
    if (next == pace) break;  // at a limit: espeak cannot get closer
    pace = next;
  }
  return best;
}

// Step 4: the last pace that fitted per (voice, target words per minute),
// and per voice the ratio of espeakRATE to the target it gave, which is a
// good first guess for the voice's other targets (other levels).
std::mutex g_paces_mutex;
std::map<std::pair<std::string, int>, Pace> g_paces;
std::map<std::string, double> g_rate_ratios;

Pace remembered_pace(const std::string& voice, int wpm) {
  std::lock_guard<std::mutex> lock(g_paces_mutex);
  if (auto it = g_paces.find({voice, wpm}); it != g_paces.end()) return it->second;
  auto ratio = g_rate_ratios.find(voice);
  double rate = wpm * (ratio == g_rate_ratios.end() ? 1.0 : ratio->second);
  return {int(std::clamp(std::lround(rate), long(kSlowestRate), long(kFastestRate))), 0};
}

void remember_pace(const std::string& voice, int wpm, Pace pace) {
  std::lock_guard<std::mutex> lock(g_paces_mutex);
  g_paces[{voice, wpm}] = pace;
  // With pauses between words the rate says little about other targets.
  if (pace.gap == 0 && pace.rate > kSlowestRate) g_rate_ratios[voice] = double(pace.rate) / wpm;
}

// Steps 1 to 4 for one script: its sample, spoken at the pace that fits.
Sample paced_sample(const Speaker& speaker, const std::vector<Piece>& pieces, int wpm, const Budget& budget) {
  size_t n = sample_size(pieces);
  size_t words = words_in(pieces, n);
  double wanted = budget.word_seconds * double(words);
  Sample sample = fit_sample(speaker, pieces, n, remembered_pace(speaker.voice, wpm), wanted);
  if (words >= kRememberWords) remember_pace(speaker.voice, wpm, sample.pace);
  spdlog::debug("tts espeak voice={} wpm={} rate={} gap={} passes={} sample_words={} off_by={:.1f}%", speaker.voice,
                wpm, sample.pace.rate, sample.pace.gap, sample.passes, words, 100 * (sample.seconds / wanted - 1));
  return sample;
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
    throw std::invalid_argument("TTS_MP3_KBPS=" + std::to_string(o.mp3_kbps) +
                                " is outside 8..160 kbit/s (espeak speaks at 22050 Hz)");
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
    throw td::PermanentError("no_voice", "espeak has no voice configured for language '" + request.language +
                                             "' (configured: " + known + "; set TTS_ESPEAK_VOICE_<LANG>)");
  }
  return it->second;
}

// "measured": the rate is what the MP3 measures, not espeak's setting. It is
// part of the reuse hash, so audio made before pacing is not reused.
SpeechPlan EspeakEngine::plan(const SpeechRequest& request) const {
  return {"espeak", voice_for(request), "wpm=" + std::to_string(options_.rate_for(request.level)) + ";measured"};
}

Mp3Audio EspeakEngine::synthesize(const std::string& script, const SpeechRequest& request) {
  SpeechPlan p = plan(request);
  int wpm = options_.rate_for(request.level);
  auto pieces = pieces_of(prepare_paragraphs(script, options_.chunk_bytes, options_.max_script_bytes));
  Speaker speaker{p.voice, request.language, espeak_sample_rate()};
  Budget budget = budget_for(pieces, wpm, speaker.sample_rate);
  Sample sample = paced_sample(speaker, pieces, wpm, budget);

  Mp3Encoder encoder(speaker.sample_rate, options_.mp3_kbps, options_.lame_quality);
  const std::vector<int16_t> sentence_pause(sentence_pause_samples(sample.pace, speaker.sample_rate), 0);
  const std::vector<int16_t> paragraph_pause(budget.paragraph_samples, 0);
  size_t spoken = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::vector<int16_t> pcm =
        i < sample.pcm.size() ? std::move(sample.pcm[i]) : speaker.speak(pieces[i].text, sample.pace);
    spoken += pcm.size();
    encoder.add(pcm.data(), pcm.size());
    if (pieces[i].after != After::nothing) encoder.add(sentence_pause.data(), sentence_pause.size());
    if (pieces[i].after == After::paragraph) encoder.add(paragraph_pause.data(), paragraph_pause.size());
  }
  if (spoken == 0) {
    throw td::PermanentError("no_audio",
                             "espeak produced no audio for the script (" + std::to_string(script.size()) + " bytes)");
  }
  Mp3Audio audio;
  audio.duration_seconds = double(encoder.samples()) / speaker.sample_rate;
  audio.bytes = encoder.finish();
  audio.engine = p.engine;
  audio.voice = p.voice;
  audio.rate = p.rate;
  audio.sample_rate = speaker.sample_rate;
  return audio;
}

}  // namespace td::tts
