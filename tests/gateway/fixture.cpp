#include "fixture.h"
#include "support/helpers.h"
#include "support/store_rows.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include <doctest/doctest.h>

#include "common/hash.h"
#include "store/audio.h"
#include "store/summaries.h"
#include "store/transcripts.h"
#include "store/videos.h"
#include "tts/espeak_engine.h"

namespace td::test {

gateway::Options gateway_options(const std::string& url) {
  static std::atomic<int> n{0};
  gateway::Options o;
  o.database_url = url;
  o.threads = 8;
  o.db_pool = 4;
  o.default_variants = {"comprehensive", "audio"};
  o.outbox_poll = std::chrono::milliseconds(200);
  o.sse_metrics_interval = std::chrono::milliseconds(200);
  o.metrics_cache_ttl = std::chrono::milliseconds(0);
  o.instance_id = "test-gateway-" + std::to_string(++n);
  o.sse.batch_window = std::chrono::milliseconds(50);
  o.sse.max_clients = 50;
  return o;
}

void seed_report(pqxx::connection& c, const std::string& video_id, const std::vector<std::string>& variants,
                 const std::string& mp3) {
  pqxx::work tx(c);
  seed_video_row(tx, video_id, variants, "Test Channel");
  seed_transcript_row(tx, video_id, "a transcript of a video about testing gateways");
  for (const auto& name : variants) {
    auto stored = seed_summary_row(tx, video_id, name);
    if (name.rfind("audio", 0) == 0 && !mp3.empty()) {
      store::AudioRecord a;
      a.video_id = video_id;
      a.variant = name;
      a.summary_revision = stored.revision;
      a.script_hash = td::sha256_hex(name + video_id);
      a.engine = "espeak";
      a.duration_s = 1.5;
      store::PostgresAudioStore().put(tx, a, mp3);
    }
  }
  tx.commit();
}

const std::string& sample_mp3() {
  static const std::string bytes = [] {
    tts::EspeakEngine engine{tts::EspeakOptions{}};
    return engine.synthesize("Hello from the gateway test. This is a short sentence.", tts::SpeechRequest("en")).bytes;
  }();
  return bytes;
}

int64_t count_rows(pqxx::connection& c, const std::string& sql) {
  pqxx::read_transaction tx(c);
  return tx.exec1(sql)[0].as<int64_t>();
}

std::string raw_exchange(int port, const std::string& bytes, int ms, bool* closed) {
  int fd = td::test::connect_loopback(port);
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  bool eof = false;
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) eof = true;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (closed) *closed = eof;
  return out;
}

}  // namespace td::test
