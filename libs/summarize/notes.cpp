#include "summarize/notes.h"

#include "common/hash.h"

namespace td::summarize {

Notes MemoryNotesStore::notes(const NotesRequest& request, const std::function<Notes()>& make) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = kept_.find(request.key);
    if (it != kept_.end()) return it->second;
  }
  Notes made = make();  // outside the lock: a provider call takes seconds
  std::lock_guard<std::mutex> lock(mu_);
  kept_[request.key] = made;
  return made;
}

size_t MemoryNotesStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return kept_.size();
}

std::string notes_key(const std::string& model, const std::string& system, const std::string& user, int max_tokens) {
  std::string input = "tubedigest-chunk-notes-v1\n";
  for (const std::string& field : {model, system, user, std::to_string(max_tokens)}) {
    input += std::to_string(field.size());
    input += ':';
    input += field;
    input += '\n';
  }
  return td::sha256_hex(input);
}

}  // namespace td::summarize
