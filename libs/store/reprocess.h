// reprocess_requests: POST /api/reprocess and its progress.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace td::store {

struct ReprocessRequest {
  int64_t id = 0;
  std::string video_id;
  std::vector<std::string> variants;
  bool regenerate_audio = false;
  std::vector<int64_t> job_ids;
  std::string status;  // pending | complete | error
  std::optional<std::string> error;
};

struct OpenedReprocess {
  ReprocessRequest request;
  bool created = false;  // false: the same request was already pending
};

// The key that makes "the same request" the same: video, sorted variants, audio flag.
std::string reprocess_key(const std::string& video_id, std::vector<std::string> variants, bool regenerate_audio);

// Creates a pending request, or returns the pending one with the same key.
OpenedReprocess open_reprocess(pqxx::transaction_base& tx, const std::string& video_id,
                               const std::vector<std::string>& variants, bool regenerate_audio);
void set_reprocess_jobs(pqxx::transaction_base& tx, int64_t id, const std::vector<int64_t>& job_ids);
// Locks the row (for the "is everything done?" decision).
std::optional<ReprocessRequest> lock_reprocess(pqxx::transaction_base& tx, int64_t id);
// pending -> complete / error; false when it was no longer pending.
bool finish_reprocess(pqxx::transaction_base& tx, int64_t id, bool ok, const std::optional<std::string>& error);

// True when every variant of the request has a summary written for it, and,
// when audio was asked for, every audio variant has its audio too.
bool reprocess_outputs_done(pqxx::transaction_base& tx, const ReprocessRequest& r);

}  // namespace td::store
