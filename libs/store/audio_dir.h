// One AUDIO_DIR for the whole deployment.
//
// "dir" audio rows name files under AUDIO_DIR, and every process that writes
// or serves them (tts, gateway, the CLI's `audio`) must see the same folder.
// Under docker compose a path that is not a shared volume is each container's
// own: tts writes into its own, the gateway answers 404 and the files vanish
// when the container is recreated. Nothing in a path tells these apart, so
// the folder carries its identity:
//
//   1. The first process with AUDIO_DIR set, under an advisory lock, writes a
//      random id into AUDIO_DIR/.tubedigest-audio-store and into
//      deployment_facts('audio_dir_id') in the same step.
//   2. Every later process reads both: the same id means the same folder.
//      A missing or different marker means another folder, and the process
//      refuses to start with a message that says how to fix it.
//   3. A marker with no database row (a new database over old audio) is
//      adopted: the folder is the deployment's from then on.
#pragma once

#include <chrono>
#include <string>

#include <pqxx/pqxx>

namespace td::store {

inline constexpr const char* kAudioDirMarker = ".tubedigest-audio-store";

// Checks (or, the first time, claims) `dir` as the deployment's AUDIO_DIR.
// Creates `dir` when missing. Throws std::runtime_error with a one-line
// reason when `dir` is not the folder the other services use.
void claim_audio_dir(pqxx::connection_base& conn, const std::string& dir);

// At a process's start: connects (retrying until `give_up` passes), prepares
// the store's statements and checks `dir` as above.
void claim_audio_dir(const std::string& url, const std::string& dir, std::chrono::milliseconds give_up);

}  // namespace td::store
