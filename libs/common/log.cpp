#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "common/env.h"

namespace td::log {

void init(const std::string& process_name) {
  auto logger = spdlog::stderr_color_mt(process_name);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
  spdlog::set_default_logger(logger);
  auto level = spdlog::level::from_str(env::get_or("LOG_LEVEL", "info"));
  spdlog::set_level(level);
}

}  // namespace td::log
