#include "common/errors.h"

#include <new>
#include <system_error>

namespace td {

ErrorInfo describe_error(std::exception_ptr error, const ErrorInfo& otherwise) {
  try {
    std::rethrow_exception(error);
  } catch (const JobError& e) {
    return {e.reason(), e.what(), e.permanent(), e.http_status()};
  } catch (const std::bad_alloc& e) {
    return {"out_of_memory", e.what(), false};
  } catch (const std::system_error& e) {
    return {"system_error", e.what(), false};
  } catch (const std::exception& e) {
    return {otherwise.reason, e.what(), otherwise.permanent};
  } catch (...) {
    return {otherwise.reason, otherwise.message.empty() ? "unknown exception" : otherwise.message, otherwise.permanent};
  }
}

}  // namespace td
