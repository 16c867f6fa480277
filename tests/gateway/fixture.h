// An in-process gateway on a free loopback port against a TestDatabase,
// plus helpers to seed a report (video, transcript, summaries, audio).
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "gateway/gateway.h"
#include "support/helpers.h"
#include "support/pg.h"

namespace td::test {

// Test options: short intervals, the database of `db`.
gateway::Options gateway_options(const std::string& url);

struct RunningGateway {
  explicit RunningGateway(gateway::Options o) : gw(std::make_unique<gateway::Gateway>(std::move(o))) {
    port = gw->bind("127.0.0.1", 0);
    gw->start();
  }
  ~RunningGateway() { gw->stop(); }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10, 0);
    return c;
  }
  std::unique_ptr<gateway::Gateway> gw;
  int port = 0;
};

inline nlohmann::json body_json(const httplib::Result& r) { return nlohmann::json::parse(r->body); }

// A video with a transcript and one summary per variant; audio variants get
// `mp3` as their bytes (PostgresAudioStore). Returns nothing; ids are given.
void seed_report(pqxx::connection& c, const std::string& video_id, const std::vector<std::string>& variants,
                 const std::string& mp3 = "");

// A short real MP3 made by espeak-ng + LAME (cached per process).
const std::string& sample_mp3();

int64_t count_rows(pqxx::connection& c, const std::string& sql);

// Sends raw bytes on a new loopback connection and returns everything the
// server answers until it closes or `ms` pass without a byte (for requests
// httplib's client would refuse to send). *closed, when given, says whether
// the server closed the connection (rather than the wait running out).
std::string raw_exchange(int port, const std::string& bytes, int ms = 2000, bool* closed = nullptr);

}  // namespace td::test
