// Error kinds shared by every stage.
//
// Handlers throw; the worker runtime (libs/worker) decides what happens to the
// job from the exception:
//   JobError, permanent  -> the job goes to `dead` at once (retrying cannot
//                           help: bad input, no transcript, an auth error
//                           from a provider). Thrown as PermanentError.
//   anything else        -> the job is `failed` and retried with backoff
//                           until max_attempts, then `dead`. A JobError
//                           that is not permanent is thrown as TransientError.
// `reason` is a short machine-readable code (e.g. "no_transcript") stored in
// the job's `reason` column and carried in failure events.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace td {

class JobError : public std::runtime_error {
 public:
  JobError(std::string reason, const std::string& message, bool permanent)
      : std::runtime_error(message), reason_(std::move(reason)), permanent_(permanent) {}
  const std::string& reason() const { return reason_; }
  bool permanent() const { return permanent_; }

 private:
  std::string reason_;
  bool permanent_;
};

class PermanentError : public JobError {
 public:
  PermanentError(std::string reason, const std::string& message) : JobError(std::move(reason), message, true) {}
  explicit PermanentError(const std::string& message) : PermanentError("permanent", message) {}
};

class TransientError : public JobError {
 public:
  TransientError(std::string reason, const std::string& message) : JobError(std::move(reason), message, false) {}
  explicit TransientError(const std::string& message) : TransientError("transient", message) {}
};

// What an exception says about a failure, whoever threw it.
struct ErrorInfo {
  std::string reason;
  std::string message;
  bool permanent = false;
};

// A JobError's reason and kind; running out of memory or file descriptors
// ("out_of_memory", "system_error") may pass and is transient; any other
// exception is `otherwise` (its reason and kind) with its own what().
ErrorInfo describe_error(std::exception_ptr error, const ErrorInfo& otherwise);

}  // namespace td
