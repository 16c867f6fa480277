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
//
// `http_status` is the HTTP status of the upstream answer the failure comes
// from (YouTube's 403, the Data API's 503), set by the code that read that
// answer and unset for every other failure (a timeout, a parse error, a
// refused connection). It travels as a field, like `reason`, into the failure
// event's data (libs/stage), so nothing downstream reads it back out of the
// message text.
#pragma once

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

namespace td {

class JobError : public std::runtime_error {
 public:
  JobError(std::string reason, const std::string& message, bool permanent,
           std::optional<int> http_status = std::nullopt)
      : std::runtime_error(message), reason_(std::move(reason)), permanent_(permanent), http_status_(http_status) {}
  const std::string& reason() const { return reason_; }
  bool permanent() const { return permanent_; }
  const std::optional<int>& http_status() const { return http_status_; }

 private:
  std::string reason_;
  bool permanent_;
  std::optional<int> http_status_;
};

class PermanentError : public JobError {
 public:
  PermanentError(std::string reason, const std::string& message, std::optional<int> http_status = std::nullopt)
      : JobError(std::move(reason), message, true, http_status) {}
  explicit PermanentError(const std::string& message) : PermanentError("permanent", message) {}
};

class TransientError : public JobError {
 public:
  TransientError(std::string reason, const std::string& message, std::optional<int> http_status = std::nullopt)
      : JobError(std::move(reason), message, false, http_status) {}
  explicit TransientError(const std::string& message) : TransientError("transient", message) {}
};

// What an exception says about a failure, whoever threw it.
struct ErrorInfo {
  std::string reason;
  std::string message;
  bool permanent = false;
  std::optional<int> http_status = std::nullopt;  // a JobError's; never `otherwise`'s
};

// A JobError's reason, kind and HTTP status; running out of memory or file
// descriptors ("out_of_memory", "system_error") may pass and is transient;
// any other exception is `otherwise` (its reason and kind, no HTTP status)
// with its own what().
ErrorInfo describe_error(std::exception_ptr error, const ErrorInfo& otherwise);

}  // namespace td
