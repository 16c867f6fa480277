// Logging: one spdlog logger per process, one line per event, key=value
// fields so a grep for `job=123` finds a job's whole story across services.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace td::log {

// Sets the process name shown on every line and the level from LOG_LEVEL
// (trace, debug, info, warn, error; default info). Safe to call twice.
void init(const std::string& process_name);

}  // namespace td::log
