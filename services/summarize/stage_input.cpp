#include "stage_input.h"

#include <cmath>

#include "common/errors.h"
#include "summarize/text.h"

namespace td::summarize_stage {

summarize::SummaryInput summary_input_from(const store::Video& video, const store::TranscriptRow& transcript,
                                           const std::string& summary_language) {
  if (summarize::count_words(transcript.text) == 0)
    throw PermanentError("no_transcript", "the transcript of " + video.id + " is empty");
  summarize::SummaryInput in;
  in.text = transcript.text;
  in.title = video.title.value_or("");
  if (video.duration_s && std::isfinite(*video.duration_s) && *video.duration_s > 0)
    in.duration_seconds = static_cast<int>(std::lround(*video.duration_s));
  in.transcript_language = transcript.language.value_or("");
  in.summary_language = summary_language.empty() ? "auto" : summary_language;
  if (transcript.segments.is_array()) {
    for (const auto& s : transcript.segments) {
      if (!s.is_object() || !s.contains("text") || !s["text"].is_string()) continue;
      summarize::Segment seg;
      seg.text = s["text"].get<std::string>();
      if (s.contains("start_ms") && s["start_ms"].is_number()) seg.start_seconds = s["start_ms"].get<double>() / 1000.0;
      // clean_transcript() ignores word times that do not match the words.
      if (auto w = s.find("word_ms"); w != s.end() && w->is_array()) {
        for (const auto& ms : *w) {
          if (!ms.is_number()) {
            seg.word_starts.clear();
            break;
          }
          seg.word_starts.push_back(ms.get<double>() / 1000.0);
        }
      }
      in.segments.push_back(std::move(seg));
    }
  }
  // Segments that lost most of the text (a malformed row) would summarize a
  // fragment: fall back to the plain text then.
  if (!in.segments.empty()) {
    size_t seg_words = 0;
    for (const auto& s : in.segments) seg_words += summarize::count_words(s.text);
    if (seg_words * 2 < static_cast<size_t>(summarize::count_words(in.text))) in.segments.clear();
  }
  return in;
}

}  // namespace td::summarize_stage
