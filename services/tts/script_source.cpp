#include "script_source.h"

#include <algorithm>
#include <cctype>

#include "common/errors.h"
#include "store/videos.h"

namespace td::tts_stage {

td::Variant audio_variant(const std::string& name) {
  td::Variant v;
  try {
    v = td::parse_variant(name);
  } catch (const td::UnknownVariant& e) {
    throw PermanentError("bad_variant", e.what());
  }
  if (!v.is_audio()) throw PermanentError("bad_variant", "variant '" + name + "' is not an audio variant");
  return v;
}

std::string speech_language(const td::Variant& v, const store::Summary& s) {
  std::string lang = v.target_language();
  if (!lang.empty()) return lang;
  if (s.language && !s.language->empty()) {
    lang = *s.language;
    // "en-US" / "EN" -> "en": engines key their voices by the bare code.
    lang = lang.substr(0, lang.find_first_of("-_"));
    std::transform(lang.begin(), lang.end(), lang.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (!lang.empty()) return lang;
  }
  return "en";
}

ScriptToSpeak load_script(pqxx::transaction_base& tx, const store::TtsRequest& req) {
  ScriptToSpeak out;
  out.variant = audio_variant(req.variant);
  if (!store::get_video(tx, req.video_id)) throw PermanentError("no_video", "video " + req.video_id + " is not stored");
  // Always the current revision: the payload's revision can only be the same
  // or older (see script_source.h), and an older script is stale.
  auto current = store::current_summary(tx, req.video_id, out.variant.name());
  if (!current)
    throw PermanentError("no_summary", "no " + out.variant.name() + " summary is stored for " + req.video_id);
  out.summary = std::move(*current);
  if (out.summary.text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw PermanentError("empty_script", "the " + out.variant.name() + " summary of " + req.video_id + " (revision " +
                                             std::to_string(out.summary.revision) + ") is empty");
  out.speech = tts::SpeechRequest(speech_language(out.variant, out.summary), out.variant.effective_level());
  return out;
}

}  // namespace td::tts_stage
