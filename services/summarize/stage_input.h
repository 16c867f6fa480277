// What the summarizer reads, built from the stored video and transcript.
#pragma once

#include <string>

#include "store/transcripts.h"
#include "store/videos.h"
#include "summarize/summarizer.h"

namespace td::summarize_stage {

// Segments come from the transcript's [{"start_ms", "text"}] (malformed
// entries are skipped: the whole text is still there); the duration from
// the video's metadata (0 = unknown, the summarizer estimates it); the
// language from the transcript row ("" = detect). Throws
// td::PermanentError("no_transcript") when the transcript has no words.
summarize::SummaryInput summary_input_from(const store::Video& video, const store::TranscriptRow& transcript,
                                           const std::string& summary_language);

}  // namespace td::summarize_stage
