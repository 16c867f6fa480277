// Connecting to PostgreSQL, and telling a lost connection from a bad query.
#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/backoff.h"

namespace td::db {

using Connection = pqxx::connection;

// One connection; throws pqxx::broken_connection when the server is not there.
// A connect timeout of 10 s is added unless the URL or PGCONNECT_TIMEOUT sets one.
std::unique_ptr<Connection> connect(const std::string& url);
std::string with_connect_timeout(const std::string& url);

// Connects, retrying with capped exponential backoff (logging attempt and
// delay) until it succeeds or `stopping()` returns true, in which case it
// returns nullptr. `who` names the caller in log lines.
std::unique_ptr<Connection> connect_with_retry(const std::string& url, const std::string& who,
                                               const std::function<bool()>& stopping,
                                               Backoff backoff = {std::chrono::milliseconds(200),
                                                                  std::chrono::seconds(10), 0.3});

// For a start-up step (migrations, the AUDIO_DIR check): connects like
// connect_with_retry until `give_up` passes, then throws std::runtime_error
// naming `step`.
std::unique_ptr<Connection> connect_for_startup(const std::string& url, const std::string& step,
                                                std::chrono::milliseconds give_up);

// True for errors after which the connection is unusable or the server is
// going away (broken_connection, SQLSTATE class 08, 57P01..57P03): the caller
// reconnects and retries instead of failing the work.
bool is_connection_error(const std::exception& e);

// Serialization failures, deadlocks, and lock timeouts: retry the transaction.
bool is_retryable_conflict(const std::exception& e);

}  // namespace td::db
