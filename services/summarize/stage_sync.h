// When a report is "synced", and who says so.
//
// report-synced announces that a GENERATION of a video's report became
// complete, exactly once per generation:
//   - the first generation: every requested variant (text variants, and the
//     scripts of audio variants) has a summary. It is announced by the plain
//     (non-reprocess) job whose insert was revision 1 of the last missing
//     variant. Later revisions written by plain jobs (a repeated submit) do
//     not announce it again.
//   - a reprocess generation: every variant of reprocess request R has a
//     revision written for R, and every requested variant has some summary.
//     It is announced by the job of R whose insert was the first R-row of the
//     last variant of R to land; so a reprocess that rewrites every text
//     variant announces report-synced again when its last one lands.
// The caller holds the video's row lock (store::lock_video): every summary
// writer takes it, so "was this the last missing one?" cannot be answered
// the same way by two writers. Only the inserted row changed the state, so
// the transition happened here iff the state holds now and this row's
// variant did not satisfy it before.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "store/reprocess.h"
#include "store/summaries.h"
#include "store/videos.h"

namespace td::summarize_stage {

// Stored variant names ("audio-fr:intermediate" -> "audio-fr") of the
// requested variants plus `also`, order kept, unknown names dropped.
std::vector<std::string> required_variants(const std::vector<std::string>& requested, const std::string& also);

// The variants of the generation this insert completed, or nullopt.
// `reprocess`: the locked request when `inserted` was written for one.
std::optional<std::vector<std::string>> completed_generation(pqxx::transaction_base& tx, const store::Video& video,
                                                             const store::Summary& inserted,
                                                             const std::optional<store::ReprocessRequest>& reprocess);

}  // namespace td::summarize_stage
