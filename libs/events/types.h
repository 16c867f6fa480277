// Event type names: a contract with SSE clients (README lists each with its
// fields). `*-error` means an attempt failed and will be retried; `*-failed`
// means the stage gave up.
//
// kAllTypes is the one list. The SSE endpoint accepts exactly these in
// ?types= (plus its own "reset"), and the dashboard's JavaScript listens to
// the list generated from it. Each named constant below must be an entry of
// kAllTypes: listed() stops the build otherwise, so a type cannot be emitted
// without being served.
#pragma once

#include <array>
#include <stdexcept>
#include <string_view>

namespace td::events {

inline constexpr std::array<std::string_view, 17> kAllTypes = {
    "report-updated",       // a stage stored something
    "report-synced",        // every requested text variant stored
    "report-sync-error",    // ingest/summarize attempt failed, will retry
    "report-sync-failed",   // ingest/summarize gave up
    "report-deleted",       // a video and its outputs removed
    "audio-ready",          // one audio variant's MP3 stored
    "audio-synced",         // every requested audio variant stored
    "audio-sync-error",     // tts attempt failed, will retry
    "audio-sync-failed",    // tts gave up
    "reprocess-scheduled",  // a reprocess queued its summarize jobs
    "reprocess-requested",  // a summarize job of a reprocess started
    "reprocess-complete",   // a reprocess stored its last output
    "reprocess-error",      // a reprocess output failed
    "summary-fallback",     // a later summarizer's text was stored, not the first choice's
    "tts-fallback",         // the fallback engine spoke the audio, not the planned one
    "alert-firing",         // an alert started firing (libs/alerts)
    "alert-resolved",       // a firing alert ended
};

constexpr bool all_distinct(const decltype(kAllTypes)& types) {
  for (size_t i = 0; i < types.size(); ++i)
    for (size_t j = i + 1; j < types.size(); ++j)
      if (types[i] == types[j]) return false;
  return true;
}
static_assert(all_distinct(kAllTypes), "an event type is listed twice");

// The entry of kAllTypes spelt `name`. Evaluated at compile time for the
// constants below, where a name missing from the list fails the build.
constexpr const char* listed(std::string_view name) {
  for (auto t : kAllTypes)
    if (t == name) return t.data();
  throw std::logic_error("event type missing from events::kAllTypes");
}

namespace type {

inline constexpr const char* report_updated = listed("report-updated");
inline constexpr const char* report_synced = listed("report-synced");
inline constexpr const char* report_sync_error = listed("report-sync-error");
inline constexpr const char* report_sync_failed = listed("report-sync-failed");
inline constexpr const char* report_deleted = listed("report-deleted");
inline constexpr const char* audio_ready = listed("audio-ready");
inline constexpr const char* audio_synced = listed("audio-synced");
inline constexpr const char* audio_sync_error = listed("audio-sync-error");
inline constexpr const char* audio_sync_failed = listed("audio-sync-failed");
inline constexpr const char* reprocess_scheduled = listed("reprocess-scheduled");
inline constexpr const char* reprocess_requested = listed("reprocess-requested");
inline constexpr const char* reprocess_complete = listed("reprocess-complete");
inline constexpr const char* reprocess_error = listed("reprocess-error");
inline constexpr const char* summary_fallback = listed("summary-fallback");
inline constexpr const char* tts_fallback = listed("tts-fallback");
inline constexpr const char* alert_firing = listed("alert-firing");
inline constexpr const char* alert_resolved = listed("alert-resolved");

}  // namespace type

}  // namespace td::events
