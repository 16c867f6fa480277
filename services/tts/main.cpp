// tubedigest-tts: claims tts jobs and speaks audio scripts into MP3s.
//
//   TTS_CONCURRENCY (default 1): handler threads. The espeak engine runs
//   libespeak-ng one call at a time within the process anyway (it is not
//   thread-safe; see libs/tts/espeak_engine.cpp), so more threads only overlap
//   MP3 encoding and database work; with TTS_ENGINE=openai more help.
//   Engine: TTS_ENGINE, TTS_FALLBACK, ... (libs/tts/factory.h).
//   Storage: AUDIO_DIR set -> files there; unset -> bytes in Postgres.
#include "common/env.h"
#include "common/log.h"
#include "service/service.h"
#include "store/audio.h"
#include "store/audio_dir.h"
#include "store/pipeline.h"
#include "tts/factory.h"
#include "tts_stage.h"

int main(int argc, char** argv) {
  auto spec = td::service::Spec::for_stage(td::store::kTtsKind, 1);
  spec.make_handler = [](const cxxopts::ParseResult&, td::worker::Options& options) {
    // Built once, after the flags: a bad TTS_* setting or AUDIO_DIR stops the
    // process at start with one line instead of failing every job.
    std::shared_ptr<td::tts::TtsEngine> engine = td::tts::make_engine_from_env();
    std::shared_ptr<td::store::AudioStore> store = td::store::audio_store_from_env();
    if (auto dir = td::env::get("AUDIO_DIR"))
      td::store::claim_audio_dir(options.database_url, *dir, std::chrono::minutes(5));
    spdlog::info("tts engine ready; audio store={}", store->name());
    // Lives as long as the process: the handler and on_failure point into it.
    static td::tts_stage::TtsStage stage(engine, store);
    return td::stage::install(stage, options);
  };
  return td::service::run(spec, argc, argv);
}
