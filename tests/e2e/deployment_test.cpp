// The stack as docker compose runs it, with the real executables:
// a password that cannot go into a URL, reached through libpq's PG*
// settings; every variable of .env.example present but empty; one AUDIO_DIR
// shared by tts and the gateway; yt-dlp updated while ingest works; and the
// refusals that keep a NAS safe by default (a gateway on the network without
// a token, an AUDIO_DIR the other services cannot see).
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/process.h"
#include "gateway/options.h"
#include "stack_support.h"
#include "summarize/transcript_gen.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "tts/mp3_decode.h"

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using td::test::free_port;
using td::test::get_json;

// Every character that breaks a postgresql:// URL when spliced in unescaped,
// and a quote and a space for good measure.
const std::string kPassword = "p@ss/w#rd:x?=%' q";

fs::path temp_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("td-deploy-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// "VAR=" for every variable .env.example lists: what compose passes when the
// user's .env sets none of them.
std::vector<std::string> empty_settings() {
  std::ifstream in(td::test::source_path(".env.example"));
  REQUIRE(in);
  std::vector<std::string> out;
  std::regex var(R"(^#([A-Z][A-Z0-9_]*)=)");
  std::smatch m;
  for (std::string line; std::getline(in, line);)
    if (std::regex_search(line, m, var)) out.push_back(m[1].str() + "=");
  REQUIRE(out.size() > 60);
  return out;
}

// A login role with a password the server checks (scram), owning its own
// database. The test cluster trusts loopback, so the role gets its own
// pg_hba line ahead of the trust lines.
struct PasswordRole {
  td::test::TestDatabase db{"deploy"};
  std::string role = "td_pw_" + std::to_string(getpid());
  std::string host, port;

  PasswordRole() {
    pqxx::connection admin(td::test::admin_url());
    host = admin.hostname();
    port = admin.port();
    {
      pqxx::nontransaction tx(admin);
      tx.exec("DROP ROLE IF EXISTS " + tx.quote_name(role));
      tx.exec("CREATE ROLE " + tx.quote_name(role) + " LOGIN PASSWORD " + tx.quote(kPassword));
      tx.exec("ALTER DATABASE " + tx.quote_name(db.name()) + " OWNER TO " + tx.quote_name(role));
    }
    const char* pgdata = std::getenv("TUBEDIGEST_TEST_PGDATA");
    REQUIRE_MESSAGE(pgdata, "TUBEDIGEST_TEST_PGDATA is not set (run with scripts/test.sh)");
    fs::path hba = fs::path(pgdata) / "pg_hba.conf";
    std::stringstream old;
    old << std::ifstream(hba).rdbuf();
    std::ofstream(hba) << "host all " << role << " 127.0.0.1/32 scram-sha-256\n"
                       << "host all " << role << " ::1/128 scram-sha-256\n"
                       << old.str();
    pqxx::nontransaction(admin).exec("SELECT pg_reload_conf()");
  }
  ~PasswordRole() {
    try {
      pqxx::connection admin(td::test::admin_url());
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(db.name()) + " WITH (FORCE)");
      tx.exec("DROP ROLE IF EXISTS " + tx.quote_name(role));
    } catch (const std::exception&) {
    }
  }
  // libpq's settings, as compose.yaml passes them; DATABASE_URL stays empty.
  std::vector<std::string> env(const std::string& password = kPassword) const {
    return {"PGHOST=" + host,         "PGPORT=" + port,          "PGUSER=" + role,
            "PGPASSWORD=" + password, "PGDATABASE=" + db.name(), "DATABASE_URL="};
  }
};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Runs an executable to its end with `env` over this environment.
td::process::Result run_to_end(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  td::process::Options o;
  o.timeout = 60s;
  o.extra_env = env;
  return td::process::run(argv, o);
}

}  // namespace

TEST_CASE("Deployment: compose-style settings run the whole stack; yt-dlp updates while ingest works") {
  PasswordRole pg;
  {
    // The server checks the password: a wrong one is refused.
    std::string wrong =
        "host=" + pg.host + " port=" + pg.port + " user=" + pg.role + " dbname=" + pg.db.name() + " password=wrong";
    CHECK_THROWS(pqxx::connection(wrong));
  }
  auto work = temp_dir("stack");
  fs::path version_file = work / "ytdlp-version", go = work / "update-may-finish";
  std::ofstream(version_file) << "2023.11.16\n";
  fs::path update = work / "update";
  // A stand-in for tubedigest-ytdlp-update (tests/container tests the real
  // one): it holds the update open until the test lets it finish.
  std::ofstream(update) << "#!/bin/sh\nfor i in $(seq 1 600); do [ -e '" << go.string()
                        << "' ] && break; sleep 0.1; done\necho 2099.01.02 > '" << version_file.string()
                        << "'\necho 'yt-dlp updated 2023.11.16 -> 2099.01.02'\n";
  fs::permissions(update, fs::perms::owner_all);
  int port = free_port();

  auto env = concat(empty_settings(), pg.env());
  env = concat(env, {"GATEWAY_LISTEN=127.0.0.1:" + std::to_string(port), "AUDIO_DIR=" + (work / "audio").string(),
                     "YTDLP_PATH=" + td::test::source_path("tests/youtube/fake-yt-dlp"),
                     "FAKE_YTDLP_VERSION_FILE=" + version_file.string(), "YTDLP_AUTO_UPDATE=on",
                     "YTDLP_UPDATE_COMMAND=" + update.string(),
                     // Prompts are found beside the executables, not through the test's setting.
                     "TUBEDIGEST_SOURCE_DIR"});

  auto services = std::make_unique<td::test::Services>(env, port);
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(30, 0);

  auto lecture = td::summarize::testing::generate_transcript({.minutes = 6, .language = "en", .seed = 11});
  std::string text;
  for (const auto& s : lecture.segments) text += s.text + " ";
  const std::string key = "yt:dEploYTest1";
  json submit = {
      {"url", "https://youtu.be/dEploYTest1"}, {"variants", {"comprehensive", "audio"}}, {"transcript", text}};
  auto r = c.Post("/api/submit", submit.dump(), "application/json");
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 202);

  // Ingest works while its yt-dlp update is still running; meanwhile the
  // version in use is the one it started with.
  REQUIRE(td::test::eventually(
      [&] {
        auto rep = c.Get(("/api/reports/" + key).c_str());
        if (!rep || rep->status != 200) return false;
        auto t = json::parse(rep->body)["transcript"];
        return t.is_object() && t.value("words", 0) > 100;
      },
      60s));
  // (/api/metrics is cached for a second, and the first probe runs beside
  // the first job.)
  CHECK(td::test::eventually([&] { return get_json(c, "/api/metrics")["ytdlp"]["version"] == "2023.11.16"; }, 10s));
  CHECK(c.Get("/readyz")->status == 200);
  std::ofstream(go) << "go\n";
  REQUIRE(td::test::eventually([&] { return get_json(c, "/api/metrics")["ytdlp"]["version"] == "2099.01.02"; }, 30s));
  auto metrics = get_json(c, "/api/metrics");
  REQUIRE(metrics["ytdlp"]["versions"].size() == 1);
  CHECK(metrics["ytdlp"]["versions"][0]["processes"] == 1);
  auto prom = c.Get("/metrics");
  REQUIRE(prom);
  CHECK(prom->body.find("tubedigest_ytdlp_info{version=\"2099.01.02\"} 1") != std::string::npos);
  auto jobs = run_to_end({td::test::bin_path("tubedigest"), "jobs"}, env);
  INFO(jobs.out << jobs.err);
  CHECK(jobs.ok());
  CHECK(jobs.out.find("yt-dlp: 2099.01.02 (1 ingest process(es)") != std::string::npos);

  // The outputs: a summary, and an MP3 the gateway serves from the shared AUDIO_DIR.
  json rep;
  REQUIRE(td::test::eventually(
      [&] {
        rep = get_json(c, "/api/reports/" + key);
        int audio = 0;
        for (const auto& v : rep["summary"]["variants"]) audio += v.contains("audio_url");
        return rep["summary"]["variants"].size() == 2 && audio == 1;
      },
      120s));
  std::string url;
  for (const auto& v : rep["summary"]["variants"]) {
    CHECK(v["word_count"].get<int>() > 100);
    if (v.contains("audio_url")) url = v["audio_url"];
  }
  auto mp3 = c.Get(url.c_str());
  REQUIRE(mp3);
  REQUIRE(mp3->status == 200);
  CHECK(td::tts::test::decode_mp3(mp3->body).seconds() > 30);
  size_t files = 0;
  for (const auto& f : fs::directory_iterator(work / "audio")) files += f.path().extension() == ".mp3";
  CHECK(files == 1);
  CHECK(fs::exists(work / "audio" / ".tubedigest-audio-store"));

  services.reset();  // every executable stops cleanly before its folders go
  fs::remove_all(work);
}

TEST_CASE("Deployment: only loopback addresses count as private") {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) CHECK(td::gateway::is_loopback_host(host));
  for (const char* host : {"0.0.0.0", "::", "", "192.168.1.10", "127.0.0", "127.0.0.1.5", "127.0.0.1a", "127.0.0.",
                           "127..0.1", "127.0.0.1000", "localhost.evil.com", "128.0.0.1"})
    CHECK_FALSE(td::gateway::is_loopback_host(host));
}

TEST_CASE("Deployment: a gateway the network can reach refuses to start without a token") {
  td::test::TestDatabase db("deploy_auth");
  auto gateway = td::test::bin_path("tubedigest-gateway");
  std::string listen = "GATEWAY_LISTEN=0.0.0.0:" + std::to_string(free_port());

  auto refused = run_to_end({gateway}, {"DATABASE_URL=" + db.url(), listen, "API_AUTH_TOKEN=", "API_AUTH="});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("refusing to listen on 0.0.0.0:") != std::string::npos);
  CHECK(refused.err.find("API_AUTH_TOKEN") != std::string::npos);
  CHECK(refused.err.find("API_AUTH=none") != std::string::npos);

  auto bad = run_to_end({gateway}, {"DATABASE_URL=" + db.url(), listen, "API_AUTH=off"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("API_AUTH must be 'token' or 'none'") != std::string::npos);

  auto reads = run_to_end({gateway}, {"DATABASE_URL=" + db.url(), "GATEWAY_LISTEN=127.0.0.1:0", "API_AUTH_READS=on"});
  CHECK(reads.exit_code == 2);
  CHECK(reads.err.find("API_AUTH_READS=on needs API_AUTH_TOKEN") != std::string::npos);

  // With a token, or with open writes chosen explicitly, it starts.
  for (const std::string& opt_in : {std::string("API_AUTH_TOKEN=s3cret"), std::string("API_AUTH=none")}) {
    int port = free_port();
    td::test::ChildProcess gw({gateway}, {"DATABASE_URL=" + db.url(), "GATEWAY_LISTEN=0.0.0.0:" + std::to_string(port),
                                          opt_in, "LOG_LEVEL=warn"});
    httplib::Client c("127.0.0.1", port);
    INFO(opt_in);
    CHECK(td::test::wait_ready(c));
    auto submit = c.Post("/api/submit", R"({"url": "https://youtu.be/dQw4w9WgXcQ"})", "application/json");
    REQUIRE(submit);
    CHECK(submit->status == (opt_in.rfind("API_AUTH_TOKEN", 0) == 0 ? 401 : 202));
    gw.kill(SIGTERM);
    gw.wait();
  }
}

TEST_CASE("Deployment: API_AUTH_READS=on puts reads behind the token; probes and the page stay open") {
  td::test::TestDatabase db("deploy_reads");
  int port = free_port();
  td::test::ChildProcess gw({td::test::bin_path("tubedigest-gateway")},
                            {"DATABASE_URL=" + db.url(), "GATEWAY_LISTEN=0.0.0.0:" + std::to_string(port),
                             "API_AUTH_TOKEN=r3ad-t0ken", "API_AUTH_READS=on", "LOG_LEVEL=warn"});
  httplib::Client c("127.0.0.1", port);
  REQUIRE(td::test::wait_ready(c));
  const httplib::Headers bearer = {{"Authorization", "Bearer r3ad-t0ken"}};
  for (const char* path : {"/api/reports", "/api/reports/yt:dQw4w9WgXcQ", "/api/audio/yt:dQw4w9WgXcQ/audio.mp3",
                           "/api/metrics", "/metrics"}) {
    INFO(std::string(path));
    auto open = c.Get(path);
    REQUIRE(open);
    CHECK(open->status == 401);
    CHECK(json::parse(open->body).contains("error"));
    auto wrong = c.Get(path, {{"Authorization", "Bearer nope"}});
    CHECK(wrong->status == 401);
    auto with_header = c.Get(path, bearer);
    CHECK(with_header->status != 401);
    CHECK(with_header->status < 500);
    auto with_param = c.Get((std::string(path) + "?access_token=r3ad-t0ken").c_str());
    CHECK(with_param->status == with_header->status);
    auto both = c.Get((std::string(path) + "?access_token=r3ad-t0ken").c_str(), bearer);
    CHECK(both->status == 400);
    // (httplib folds identical repeats into one, which cannot mislead.)
    auto twice = c.Get((std::string(path) + "?access_token=r3ad-t0ken&access_token=other").c_str());
    CHECK(twice->status == 400);
    auto nul = c.Get((std::string(path) + "?access_token=r3ad-t0ken%00x").c_str());
    CHECK(nul->status == 400);
  }
  for (const char* path : {"/healthz", "/readyz", "/"}) CHECK(c.Get(path)->status == 200);

  // The event stream, as a browser's EventSource opens it (no headers).
  httplib::Client sse("127.0.0.1", port);
  sse.set_read_timeout(5, 0);
  int status = 0;
  std::string first;
  auto r = sse.Get(
      "/api/report-events?access_token=r3ad-t0ken",
      [&](const httplib::Response& res) {
        status = res.status;
        return true;
      },
      [&](const char* data, size_t len) {
        first.append(data, len);
        return first.find("\n\n") == std::string::npos;  // stop after the opening block
      });
  CHECK(status == 200);
  CHECK(first.find("retry:") != std::string::npos);
  auto refused = c.Get("/api/report-events");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  gw.kill(SIGTERM);
  gw.wait();
}

TEST_CASE("Deployment: an AUDIO_DIR the other services do not share is refused") {
  td::test::TestDatabase db("deploy_audio");
  auto work = temp_dir("audio");
  std::vector<std::string> common = {"DATABASE_URL=" + db.url(), "LOG_LEVEL=warn", "GATEWAY_LISTEN=127.0.0.1:0"};

  // tts claims its folder first...
  td::test::ChildProcess tts({td::test::bin_path("tubedigest-tts")},
                             concat(common, {"AUDIO_DIR=" + (work / "shared").string()}));
  REQUIRE(td::test::eventually([&] { return fs::exists(work / "shared" / ".tubedigest-audio-store"); }, 60s));

  // ...so a gateway looking at a folder of its own (a container's private
  // path) stops with the fix instead of answering 404 for every MP3.
  auto refused = run_to_end({td::test::bin_path("tubedigest-gateway")},
                            concat(common, {"AUDIO_DIR=" + (work / "private").string()}));
  INFO(refused.err);
  CHECK(refused.exit_code != 0);
  CHECK(refused.err.find("is not the audio folder the other services use") != std::string::npos);
  CHECK(refused.err.find("mount the same folder or volume") != std::string::npos);

  // A second tts on another folder is refused the same way.
  auto tts2 =
      run_to_end({td::test::bin_path("tubedigest-tts")}, concat(common, {"AUDIO_DIR=" + (work / "other").string()}));
  CHECK(tts2.exit_code != 0);
  CHECK(tts2.err.find("is not the audio folder the other services use") != std::string::npos);

  // The shared folder is accepted.
  int port = free_port();
  td::test::ChildProcess gw(
      {td::test::bin_path("tubedigest-gateway")},
      concat(common, {"AUDIO_DIR=" + (work / "shared").string(), "GATEWAY_LISTEN=127.0.0.1:" + std::to_string(port)}));
  httplib::Client c("127.0.0.1", port);
  CHECK(td::test::wait_ready(c));
  gw.kill(SIGTERM);
  gw.wait();
  tts.kill(SIGTERM);
  tts.wait();
  fs::remove_all(work);
}
