#include <doctest/doctest.h>

#include <new>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "common/errors.h"

namespace {

template <class E>
td::ErrorInfo described(const E& e) {
  return td::describe_error(std::make_exception_ptr(e), {"fallback", "no message", true});
}

}  // namespace

TEST_CASE("describe_error: a JobError's reason, kind and upstream HTTP status") {
  auto transient = described(td::TransientError("ytdlp_failed", "HTTP Error 403: Forbidden", 403));
  CHECK(transient.reason == "ytdlp_failed");
  CHECK(transient.message == "HTTP Error 403: Forbidden");
  CHECK_FALSE(transient.permanent);
  CHECK(transient.http_status == std::optional<int>(403));

  auto permanent = described(td::PermanentError("unavailable", "HTTP Error 410: Gone", 410));
  CHECK(permanent.permanent);
  CHECK(permanent.http_status == std::optional<int>(410));
  auto direct = described(td::JobError("data_api_failed", "HTTP 503 from ...", false, 503));
  CHECK(direct.http_status == std::optional<int>(503));

  // Every constructor without a status leaves it unset.
  CHECK_FALSE(described(td::TransientError("ytdlp_timeout", "timed out")).http_status);
  CHECK_FALSE(described(td::PermanentError("no_transcript", "none")).http_status);
  CHECK_FALSE(described(td::TransientError("plain")).http_status);
  CHECK_FALSE(described(td::PermanentError("plain")).http_status);
  CHECK_FALSE(described(td::JobError("x", "y", true)).http_status);

  // A copy, or a catch by base class, keeps it.
  td::TransientError original("data_api_failed", "HTTP 500", 500);
  td::JobError copy = original;
  CHECK(copy.http_status() == std::optional<int>(500));
}

TEST_CASE("describe_error: other exceptions carry no HTTP status, not even otherwise's") {
  auto other = described(std::runtime_error("HTTP Error 403 in a message"));
  CHECK(other.reason == "fallback");
  CHECK(other.permanent);
  CHECK_FALSE(other.http_status);
  CHECK_FALSE(described(std::bad_alloc()).http_status);
  CHECK_FALSE(described(std::system_error(std::make_error_code(std::errc::too_many_files_open))).http_status);
  td::ErrorInfo otherwise{"fallback", "", false, 500};
  CHECK_FALSE(td::describe_error(std::make_exception_ptr(std::runtime_error("x")), otherwise).http_status);
  CHECK_FALSE(td::describe_error(std::make_exception_ptr(42), otherwise).http_status);
}
