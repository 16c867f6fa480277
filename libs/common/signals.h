// SIGTERM / SIGINT -> a callback, delivered on a thread of its own (not in
// signal context, so the callback may lock and log).
//
// Call block_termination_signals() in main before starting any thread, so
// every thread inherits the mask and only the waiting thread receives them.
#pragma once

#include <functional>

namespace td {

void block_termination_signals();
// Starts a detached thread that waits for SIGTERM or SIGINT and calls
// `on_signal(signo)` each time one arrives.
void on_termination_signal(std::function<void(int)> on_signal);

}  // namespace td
