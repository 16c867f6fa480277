// "Is every requested audio variant of this video spoken?" — the condition
// for audio-synced. Call with the video row locked (store::lock_video) in the
// transaction that stores the last row, so two jobs finishing the last two
// variants at once cannot both miss each other's row.
#pragma once

#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "store/videos.h"

namespace td::tts_stage {

// The audio variants the video asked for, when each has audio made from its
// current summary revision; empty when some variant is still missing (or
// none was requested).
std::vector<std::string> synced_audio_variants(pqxx::transaction_base& tx, const store::Video& video);

}  // namespace td::tts_stage
