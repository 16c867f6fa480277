// Event type names: a contract with SSE clients (README lists each with its
// fields). `*-error` means an attempt failed and will be retried; `*-failed`
// means the stage gave up.
#pragma once

namespace td::events::type {

inline constexpr const char* report_updated = "report-updated";          // a stage stored something
inline constexpr const char* report_synced = "report-synced";            // every requested text variant stored
inline constexpr const char* report_sync_error = "report-sync-error";    // ingest/summarize attempt failed, will retry
inline constexpr const char* report_sync_failed = "report-sync-failed";  // ingest/summarize gave up
inline constexpr const char* report_deleted = "report-deleted";
inline constexpr const char* audio_ready = "audio-ready";                // one audio variant's MP3 stored
inline constexpr const char* audio_synced = "audio-synced";              // every requested audio variant stored
inline constexpr const char* audio_sync_error = "audio-sync-error";
inline constexpr const char* audio_sync_failed = "audio-sync-failed";
inline constexpr const char* reprocess_scheduled = "reprocess-scheduled";
inline constexpr const char* reprocess_requested = "reprocess-requested";
inline constexpr const char* reprocess_complete = "reprocess-complete";
inline constexpr const char* reprocess_error = "reprocess-error";
// Issue 15: the stored output came from a fallback, not the first choice.
inline constexpr const char* summary_fallback = "summary-fallback";      // a later summarizer's text was stored
inline constexpr const char* tts_fallback = "tts-fallback";              // the fallback engine spoke the audio

}  // namespace td::events::type
