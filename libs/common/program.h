// The edge of a process's main(): what escapes it becomes one line on stderr
// and an exit code.
#pragma once

#include <functional>
#include <string>

namespace td {

// Runs `body` and returns its exit code. A bad flag (cxxopts' errors, with a
// pointer to --help) or a bad setting (std::invalid_argument) prints
// "<program>: <message>" and returns 2; any other exception returns 1.
int run_main(const std::string& program, const std::function<int()>& body);

}  // namespace td
