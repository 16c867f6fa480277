// Error kinds shared by every stage.
//
// Handlers throw; the worker runtime (libs/worker) decides what happens to the
// job from the exception's type:
//   PermanentError  -> the job goes to `dead` at once (retrying cannot help:
//                      bad input, no transcript, an auth error from a provider).
//   anything else   -> the job is `failed` and retried with backoff until
//                      max_attempts, then `dead`.
// `reason` is a short machine-readable code (e.g. "no_transcript") stored with
// the job's last error and carried in failure events.
#pragma once

#include <stdexcept>
#include <string>

namespace td {

class PermanentError : public std::runtime_error {
 public:
  PermanentError(std::string reason, const std::string& message)
      : std::runtime_error(message), reason_(std::move(reason)) {}
  explicit PermanentError(const std::string& message) : PermanentError("permanent", message) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

class TransientError : public std::runtime_error {
 public:
  TransientError(std::string reason, const std::string& message)
      : std::runtime_error(message), reason_(std::move(reason)) {}
  explicit TransientError(const std::string& message) : TransientError("transient", message) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

}  // namespace td
