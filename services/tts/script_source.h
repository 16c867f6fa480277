// Which script a tts job speaks, and in which language and level.
//
// The payload names the summary revision the summarizer stored. A newer
// revision may exist by the time the job runs: the queue folds a second tts
// job for the same video and variant into the pending one (same dedup key),
// so the pending job speaks the newest revision instead of a stale one.
#pragma once

#include <pqxx/pqxx>

#include "store/pipeline.h"
#include "store/summaries.h"
#include "tts/engine.h"
#include "variants/variants.h"

namespace td::tts_stage {

struct ScriptToSpeak {
  td::Variant variant;        // parsed; variant.name() is the stored name
  store::Summary summary;     // the revision being spoken
  tts::SpeechRequest speech;  // language and level
};

// Throws td::PermanentError: "bad_variant" (unknown or not an audio variant),
// "no_video", "no_summary" (nothing written for the variant yet),
// "empty_script" (a summary with no words to say).
ScriptToSpeak load_script(pqxx::transaction_base& tx, const store::TtsRequest& req);

// The variant of a request, which must be an audio one (PermanentError "bad_variant").
td::Variant audio_variant(const std::string& name);

// `audio` speaks the summary's own language (English when unknown);
// audio-fr / audio-es their target language.
std::string speech_language(const td::Variant& v, const store::Summary& s);

}  // namespace td::tts_stage
