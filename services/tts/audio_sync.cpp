#include "audio_sync.h"

#include "store/audio.h"
#include "store/summaries.h"
#include "variants/variants.h"

namespace td::tts_stage {

std::vector<std::string> synced_audio_variants(pqxx::transaction_base& tx, const store::Video& video) {
  std::vector<std::string> audio;
  for (const auto& name : video.requested_variants) {
    // An unknown name is not ours to judge; the submitter validated what it stored.
    auto v = td::find_variant(name);
    if (v && v->is_audio()) audio.push_back(v->name());
  }
  if (audio.empty()) return {};
  auto rows = store::current_audio_all(tx, video.id);
  for (const auto& name : audio) {
    auto summary = store::current_summary(tx, video.id, name);
    if (!summary) return {};
    bool spoken = false;
    for (const auto& a : rows)
      if (a.variant == name && a.summary_revision == summary->revision) spoken = true;
    if (!spoken) return {};
  }
  return audio;
}

}  // namespace td::tts_stage
