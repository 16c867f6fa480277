#include "youtube/errors.h"

namespace td::youtube {

bool is_throttle(const std::exception& e) { return dynamic_cast<const Throttled*>(&e) != nullptr; }

bool is_throttle(const std::exception_ptr& e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const Throttled&) {
    return true;
  } catch (...) {
    return false;
  }
}

std::optional<std::string> permanent_reason(const std::exception& e) {
  if (auto* p = dynamic_cast<const td::PermanentError*>(&e)) return p->reason();
  return std::nullopt;
}

}  // namespace td::youtube
