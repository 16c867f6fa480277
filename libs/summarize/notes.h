// Chunk notes: the map step of a transcript too long for one request
// (openai.h). A video's notes depend only on its transcript, the
// chunk-notes prompt and the model, never on the variant, so they are made
// once and read by every variant and every reprocess of the video: a
// 9,000-word transcript with four variants costs three notes requests, not
// twelve.
//
// The NotesStore seam says where notes are kept: the summarize service keeps
// them in PostgreSQL (table chunk_notes, services/summarize/stage_notes.h),
// shared by every replica; MemoryNotesStore keeps them for one process (the
// benchmarks, the tests, a summarizer used without a database).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace td::summarize {

// One chunk's notes request.
struct NotesRequest {
  // sha256 over everything the answer depends on (notes_key): the model, the
  // filled system and user prompts (which hold the chunk text, its place, the
  // title and the language) and the token budget. Equal keys, equal notes.
  std::string key;
  int level = 0;  // 0: notes on the transcript; 1, 2: notes on notes
  int part = 1, parts = 1;
  std::string prompt_version;  // "chunk-notes.v2"
};

struct Notes {
  std::string text;
  std::string model;  // the model that answered
};

class NotesStore {
 public:
  virtual ~NotesStore() = default;
  // The notes kept under request.key; when there are none, make()'s, which
  // are kept from then on. make() may throw: nothing is kept and the error
  // passes on. A store shared by several workers should let one make a
  // key's notes while the others wait for them, so the provider is asked
  // once.
  virtual Notes notes(const NotesRequest& request, const std::function<Notes()>& make) = 0;
};

// Notes kept in this process. Concurrent callers of one key each make their
// own (the last one kept): enough for one process's tests and benchmarks.
class MemoryNotesStore final : public NotesStore {
 public:
  Notes notes(const NotesRequest& request, const std::function<Notes()>& make) override;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Notes> kept_;
};

// The key of a notes request: sha256 of a length-prefixed encoding of the
// model, the prompts and the budget (no two different requests share one).
std::string notes_key(const std::string& model, const std::string& system, const std::string& user, int max_tokens);

}  // namespace td::summarize
