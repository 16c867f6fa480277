// End to end on real speeches: Kennedy at Rice (1962) and Hugo on poverty
// (1849), read aloud by the caption generator (tests/support/captions.h) and
// served by the fake yt-dlp as AUTOMATIC captions only (no manual track in
// info.json or on disk). The real executables, one replica of each, a
// throwaway database, HTTP over loopback. Every text and audio variant of
// both is made, then checked as a reader and a listener would:
//   - no job dead or retried, no *-failed / *-error event;
//   - the ingest took the auto track, and its segments keep the per-word
//     timings (word_ms), exactly the spoken words at exactly their starts;
//   - every summary is in its language, within its spec (no below_spec),
//     reads as sentences (capital first, . ! ? last), has no lowercase "i"
//     pronoun in English, and the names of the speech keep their capitals;
//   - every MP3 decodes (libmpg123) and is spoken at its TTS_RATE* setting,
//     within 10 %;
//   - submitting a video again reuses its stored transcript: no yt-dlp call
//     at all, ingest_transcript_stored up by one, nothing summarized again.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "stack_support.h"
#include "support/captions.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "tts/mp3_decode.h"
#include "tts/script.h"
#include "variants/variants.h"

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using td::test::get_json;
using Clock = std::chrono::steady_clock;

// The rates the tts service is started with (the defaults of
// libs/tts/espeak_engine.h, passed explicitly so the test says what it
// measures against).
const std::map<td::Level, int> kRate = {
    {td::Level::none, 175}, {td::Level::beginner, 125}, {td::Level::intermediate, 155}, {td::Level::advanced, 180}};

struct SpeechCase {
  std::string speech;  // its name in tests/speeches
  std::string id;      // the YouTube id: 11 characters
  std::string title;
  std::vector<std::string> variants;  // as submitted
  // Words that are names wherever they occur in this speech (lower case):
  // every occurrence in an output must be capitalised.
  std::vector<std::string> names;
  // Names the dictionary also knows as a lowercase word ("dieu"): casing.h
  // keeps those lowercase, so a lowercase one is only warned about (WARN).
  std::vector<std::string> homographs = {};
};

const std::vector<SpeechCase> kCases = {
    {"en/kennedy_rice_1962",
     "tdKennedy62",
     "Address at Rice University on the Nation's Space Effort",
     {"comprehensive", "bullet-points", "key-insights", "audio", "audio-fr:beginner", "audio-es"},
     {"houston", "texas", "venus"}},
    {"fr/hugo_misere_1849",
     "tdHugo1849a",
     "Discours sur la misère",
     {"comprehensive", "bullet-points", "key-insights", "audio", "audio-fr", "audio-es:beginner"},
     {"france", "paris"},
     {"dieu"}},
};

std::string language_of(const SpeechCase& c) { return c.speech.substr(0, c.speech.find('/')); }

// The generated tracks, kept as ground truth.
struct Fixtures {
  fs::path dir = fs::temp_directory_path() / ("td-speeches-e2e-" + std::to_string(getpid()));
  std::map<std::string, td::test::CaptionTrack> tracks;  // by video id
  Fixtures() {
    std::map<std::string, td::test::Speech> speeches;
    for (auto& s : td::test::load_speeches()) speeches[s.name] = s;
    for (const auto& c : kCases) {
      REQUIRE(speeches.count(c.speech));
      const auto& sp = speeches[c.speech];
      auto track = td::test::make_track(sp.text, sp.language, {.seed = td::test::seed_for(sp.name)});
      td::test::write_tracks(track, (dir / c.id).string(), {.manual = false, .video_id = c.id, .title = c.title});
      tracks.emplace(c.id, std::move(track));
    }
  }
  ~Fixtures() { fs::remove_all(dir); }
};

struct Stack {
  td::test::TestDatabase db{"speeches"};
  Fixtures fixtures;
  std::string ytdlp_log =
      (fs::temp_directory_path() / ("td-speeches-e2e-ytdlp-" + std::to_string(getpid()) + ".log")).string();
  int port = td::test::free_port();
  std::unique_ptr<td::test::Services> services;

  Stack() {
    std::vector<std::string> env = {"DATABASE_URL=" + db.url(),
                                    "YTDLP_PATH=" + td::test::source_path("tests/youtube/fake-yt-dlp"),
                                    "FAKE_YTDLP_FIXTURES=" + fixtures.dir.string(),
                                    "FAKE_YTDLP_LOG=" + ytdlp_log,
                                    "GATEWAY_LISTEN=127.0.0.1:" + std::to_string(port),
                                    "WORKER_POLL_INTERVAL=1s",
                                    "LOG_LEVEL=warn",
                                    "TTS_RATE=" + std::to_string(kRate.at(td::Level::none)),
                                    "TTS_RATE_BEGINNER=" + std::to_string(kRate.at(td::Level::beginner)),
                                    "TTS_RATE_INTERMEDIATE=" + std::to_string(kRate.at(td::Level::intermediate)),
                                    "TTS_RATE_ADVANCED=" + std::to_string(kRate.at(td::Level::advanced)),
                                    "PROMPTS_DIR=" + td::test::source_path("prompts")};
    services = std::make_unique<td::test::Services>(env, port);
  }
  ~Stack() {
    services.reset();
    std::remove(ytdlp_log.c_str());
  }
};

// The fake yt-dlp's calls for one video.
struct YtdlpCalls {
  int metadata = 0;
  int captions = 0;
  int auto_captions = 0;  // of those, --write-auto-subs
};
YtdlpCalls ytdlp_calls(const std::string& log_file, const std::string& id) {
  YtdlpCalls out;
  std::ifstream in(log_file);
  std::string line;
  while (std::getline(in, line)) {
    auto argv = json::parse(line)["argv"];
    if (argv.empty() || argv.back().get<std::string>().find("v=" + id) == std::string::npos) continue;
    bool subs = false, autos = false;
    for (const auto& a : argv) {
      subs |= a == "--write-subs";
      autos |= a == "--write-auto-subs";
    }
    if (subs || autos) {
      ++out.captions;
      out.auto_captions += autos;
    } else {
      ++out.metadata;
    }
  }
  return out;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

bool has_word_chars(const std::string& token) { return !td::test::spoken_form(token).empty(); }

// What keeps a summary from reading as sentences: every line (paragraph,
// bullet, insight, glossary entry) is split into sentences where a word ends
// in . ! ? or … (abbreviations and initials do not, see captions.h); each
// must start with a capital (or a figure) and end with . ! ? or ….
// "- " bullet markers and "**Headline**:" are taken off first; a headline
// must start with a capital too.
std::vector<std::string> sentence_problems(const std::string& text) {
  std::vector<std::string> problems;
  std::istringstream lines(text);
  for (std::string raw; std::getline(lines, raw);) {
    std::string line = trim(raw);
    if (line.empty()) continue;
    if (line.rfind("- ", 0) == 0 || line.rfind("* ", 0) == 0) line = trim(line.substr(2));
    if (line.rfind("**", 0) == 0) {
      auto close = line.find("**", 2);
      if (close != std::string::npos) {
        std::string headline = line.substr(2, close - 2);
        if (td::test::letter_case(headline) < 0) problems.push_back("headline starts in lower case: " + headline);
        line = line.substr(close + 2);
        if (!line.empty() && line[0] == ':') line = line.substr(1);
        line = trim(line);
      }
    }
    std::vector<std::string> sentence;
    auto close = [&](bool terminal) {
      std::string s;
      for (auto& w : sentence) s += (s.empty() ? "" : " ") + w;
      for (auto& w : sentence) {
        if (!has_word_chars(w)) continue;
        if (td::test::letter_case(w) < 0) problems.push_back("starts in lower case: " + s);
        break;
      }
      if (!terminal) problems.push_back("does not end with . ! or ?: " + s);
      sentence.clear();
    };
    // text_tokens joins punctuation-only tokens (French " ?", "».") to their
    // word, as the ground truth of captions.h does.
    for (auto& t : td::test::text_tokens(line)) {
      const std::string& w = t.written;
      sentence.push_back(w);
      if (td::test::ends_with_terminal(w)) close(true);
    }
    if (!sentence.empty()) close(false);
  }
  return problems;
}

// The word without what surrounds it, apostrophes inside kept: "i'm," -> "i'm".
std::string core_word(const std::string& token) {
  size_t b = 0, e = token.size();
  auto word_byte = [](unsigned char c) { return std::isalnum(c) || c >= 0x80; };
  while (b < e && !word_byte(token[b])) ++b;
  while (e > b && !word_byte(token[e - 1])) --e;
  return token.substr(b, e - b);
}

// Lower-case "i" used as the pronoun: "i", "i'm", "i've", "i’d".
std::vector<std::string> lowercase_i(const std::string& text) {
  std::vector<std::string> out;
  for (auto& w : split_ws(text)) {
    auto c = core_word(w);
    if (c == "i" || c.rfind("i'", 0) == 0 || c.rfind("i\xE2\x80\x99", 0) == 0) out.push_back(w);
  }
  return out;
}

// Occurrences of `name` (lower case) in the text, as written.
std::vector<std::string> occurrences(const std::string& text, const std::string& name) {
  std::vector<std::string> out;
  for (auto& w : split_ws(text)) {
    auto sf = td::test::spoken_form(w);
    if (sf == name || sf.rfind(name + "'", 0) == 0) out.push_back(w);
  }
  return out;
}

const json* report_variant(const json& rep, const std::string& name) {
  for (const auto& v : rep["summary"]["variants"])
    if (v["variant"] == name) return &v;
  return nullptr;
}

std::optional<json> try_report(httplib::Client& c, const std::string& key) {
  auto r = c.Get(("/api/reports/" + key).c_str());
  if (!r || r->status != 200) return std::nullopt;
  return json::parse(r->body);
}

bool complete(const json& rep, const SpeechCase& sc) {
  for (const auto& name : sc.variants) {
    auto v = td::parse_variant(name);
    auto* got = report_variant(rep, v.name());
    if (!got) return false;
    if (v.is_audio() && !got->contains("audio_url")) return false;
  }
  return true;
}

std::string dead_jobs(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  std::string out;
  for (auto row :
       tx.exec("SELECT id, kind, payload, coalesce(last_error, '') FROM jobs WHERE status = 'dead' ORDER BY id"))
    out += "job " + row[0].as<std::string>() + " " + row[1].as<std::string>() + " " + row[2].as<std::string>() + ": " +
           row[3].as<std::string>() + "\n";
  return out;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void check_transcript(pqxx::connection& conn, const json& rep, const SpeechCase& sc,
                      const td::test::CaptionTrack& track) {
  const std::string key = "yt:" + sc.id;
  CAPTURE(sc.speech);
  CHECK(rep["transcript"]["source"] == "auto");
  CHECK(rep["transcript"]["language"] == language_of(sc));
  pqxx::read_transaction tx(conn);
  auto row = tx.exec_params1(
      "SELECT source, coalesce(language, ''), segments::text FROM transcripts WHERE video_id = $1", key);
  CHECK(row[0].as<std::string>() == "auto");
  CHECK(row[1].as<std::string>() == language_of(sc));
  auto segments = json::parse(row[2].as<std::string>());
  REQUIRE(segments.is_array());
  REQUIRE(!segments.empty());

  // Every segment of more than one word carries one start per word, in
  // order; together they are the spoken words at the generator's starts.
  std::vector<std::string> words;
  std::vector<int64_t> starts;
  int timed = 0, multi = 0, untimed_multi = 0, misaligned = 0, backwards = 0;
  for (const auto& s : segments) {
    auto ws = split_ws(s["text"].get<std::string>());
    int64_t start = s["start_ms"].get<int64_t>();
    std::vector<int64_t> ms;
    if (s.contains("word_ms")) ms = s["word_ms"].get<std::vector<int64_t>>();
    if (!ms.empty()) ++timed;
    if (ws.size() > 1) {
      ++multi;
      if (ms.empty()) ++untimed_multi;
    }
    if (!ms.empty() && ms.size() != ws.size()) ++misaligned;
    for (size_t i = 1; i < ms.size(); ++i) backwards += ms[i] < ms[i - 1];
    for (size_t i = 0; i < ws.size(); ++i) {
      words.push_back(ws[i]);
      starts.push_back(i < ms.size() ? ms[i] : (i == 0 ? start : -1));
    }
  }
  MESSAGE(sc.speech << ": " << segments.size() << " segments, " << timed << " with word_ms, " << words.size()
                    << " words");
  CHECK(timed > 0);
  CHECK(untimed_multi == 0);
  CHECK(misaligned == 0);
  CHECK(backwards == 0);

  auto truth = track.text_words();
  CHECK(words.size() == truth.size());
  size_t n = std::min(words.size(), truth.size());
  int word_diff = 0, start_diff = 0;
  std::string first_word_diff, first_start_diff;
  for (size_t i = 0; i < n; ++i) {
    if (words[i] != truth[i].spoken) {
      if (!word_diff++) first_word_diff = "#" + std::to_string(i) + " '" + words[i] + "' != '" + truth[i].spoken + "'";
    }
    if (starts[i] != truth[i].start_ms) {
      if (!start_diff++)
        first_start_diff = "#" + std::to_string(i) + " '" + words[i] + "' " + std::to_string(starts[i]) +
                           " != " + std::to_string(truth[i].start_ms);
    }
  }
  INFO("first word difference: " << first_word_diff);
  CHECK(word_diff == 0);
  INFO("first start difference: " << first_start_diff);
  CHECK(start_diff == 0);
}

}  // namespace

// The checkers below must catch what they are meant to, or the end-to-end
// case would pass on anything.
TEST_CASE("Speeches end to end: the text checkers catch what they look for") {
  CHECK(sentence_problems("It works. So does this! And this?").empty());
  CHECK(sentence_problems("- A bullet.\n\n**A headline**: Its body.\nBottom line: Done.").empty());
  CHECK(sentence_problems("Voici « Address at Rice ».\nDécennie : en anglais, decade.").empty());
  CHECK(sentence_problems("Mr. Smith went to Washington. In 1961 it began.").empty());
  CHECK(sentence_problems("¿Qué pasa? ¡Nada!").empty());
  CHECK(sentence_problems("It works. then it does not.").size() == 1);
  CHECK(sentence_problems("It never ends").size() == 1);
  CHECK(sentence_problems("**lower headline**: Fine.").size() == 1);
  CHECK(sentence_problems("- éducation d'abord.").size() == 1);
  CHECK(lowercase_i("I think i'm sure, i said. Iris in it.") == std::vector<std::string>{"i'm", "i"});
  CHECK(lowercase_i("I am. I'm. I\xE2\x80\x99ve.").empty());
  CHECK(occurrences("This city of Houston, houston's heat; texas.", "houston") ==
        std::vector<std::string>{"Houston,", "houston's"});
  CHECK(occurrences("texas.", "texas") == std::vector<std::string>{"texas."});
}

TEST_CASE("Speeches end to end: automatic captions only, every variant, read and heard") {
  auto t0 = Clock::now();
  Stack stack;
  const double startup_s = seconds_since(t0);
  httplib::Client c("127.0.0.1", stack.port);
  c.set_read_timeout(30, 0);
  auto conn = td::test::migrated_connection(stack.db.url());

  // The fixtures offer the automatic track only.
  for (const auto& sc : kCases) {
    std::ifstream in(stack.fixtures.dir / sc.id / "info.json");
    auto info = json::parse(in);
    CHECK(info["subtitles"].empty());
    CHECK(info["automatic_captions"].contains(language_of(sc) + "-orig"));
    CHECK(!fs::exists(stack.fixtures.dir / sc.id / "subs"));
    const auto& track = stack.fixtures.tracks.at(sc.id);
    MESSAGE(sc.speech << ": " << track.text_words().size() << " words, " << track.duration_ms / 1000.0 << " s at "
                      << track.words_per_minute << " wpm");
  }

  // Submit both, every variant.
  auto t_submit = Clock::now();
  std::map<std::string, int64_t> first_job;
  for (const auto& sc : kCases) {
    json body = {{"url", "https://www.youtube.com/watch?v=" + sc.id}, {"variants", sc.variants}};
    auto r = c.Post("/api/submit", body.dump(), "application/json");
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 202);
    auto accepted = json::parse(r->body);
    CHECK(accepted["video_id"] == "yt:" + sc.id);
    first_job[sc.id] = accepted["job_id"].get<int64_t>();
  }

  // Wait for every summary and every MP3 (or a dead job).
  std::map<std::string, json> reports;
  std::map<std::string, double> done_after;
  std::string dead;
  const auto deadline = Clock::now() + 300s;
  while (Clock::now() < deadline && done_after.size() < kCases.size()) {
    for (const auto& sc : kCases) {
      if (done_after.count(sc.id)) continue;
      if (auto rep = try_report(c, "yt:" + sc.id); rep && complete(*rep, sc)) {
        reports[sc.id] = *rep;
        done_after[sc.id] = seconds_since(t_submit);
      }
    }
    dead = dead_jobs(*conn);
    if (!dead.empty()) break;
    std::this_thread::sleep_for(200ms);
  }
  const double pipeline_s = seconds_since(t_submit);
  CHECK_MESSAGE(dead.empty(), "dead jobs:\n" << dead);
  for (const auto& sc : kCases) {
    CAPTURE(sc.speech);
    REQUIRE_MESSAGE(done_after.count(sc.id), "not every variant was made within 300 s");
    MESSAGE(sc.speech << ": every variant and MP3 after " << done_after[sc.id] << " s");
  }

  // No job dead, failed or retried; every one done.
  CHECK(td::test::eventually(
      [&] {
        pqxx::read_transaction tx(*conn);
        return tx.exec("SELECT count(*) FROM jobs WHERE status <> 'done'")[0][0].as<int>() == 0;
      },
      10s));
  {
    pqxx::read_transaction tx(*conn);
    for (auto row :
         tx.exec("SELECT id, kind, status, attempts, payload, coalesce(last_error, '') FROM jobs ORDER BY id")) {
      INFO("job " << row[0].as<int64_t>() << " " << row[1].as<std::string>() << " " << row[4].as<std::string>() << " "
                  << row[2].as<std::string>() << " attempts=" << row[3].as<int>() << " " << row[5].as<std::string>());
      CHECK(row[2].as<std::string>() == "done");
      CHECK(row[3].as<int>() == 1);
    }
    for (auto row : tx.exec("SELECT type, coalesce(video_id, ''), data::text FROM events WHERE type LIKE '%-failed' "
                            "OR type LIKE '%-error' ORDER BY id")) {
      FAIL_CHECK("event " << row[0].as<std::string>() << " " << row[1].as<std::string>() << " "
                          << row[2].as<std::string>());
    }
    CHECK(tx.exec("SELECT count(*) FROM events WHERE type = 'report-sync-failed'")[0][0].as<int>() == 0);
  }

  for (const auto& sc : kCases) {
    const std::string key = "yt:" + sc.id;
    const json& rep = reports[sc.id];
    CAPTURE(sc.speech);

    // The ingest took the automatic track, in one download.
    auto calls = ytdlp_calls(stack.ytdlp_log, sc.id);
    CHECK(calls.captions == 1);
    CHECK(calls.auto_captions == calls.captions);
    check_transcript(*conn, rep, sc, stack.fixtures.tracks.at(sc.id));

    for (const auto& name : sc.variants) {
      auto v = td::parse_variant(name);
      const std::string stored = v.name();
      const std::string lang = v.target_language().empty() ? language_of(sc) : v.target_language();
      CAPTURE(name);
      auto* rv = report_variant(rep, stored);
      REQUIRE(rv);
      std::string text = (*rv)["text"].get<std::string>();
      CAPTURE(text);

      // Its language, as stored, reported and checked by the guardrails;
      // within its spec.
      CHECK((*rv)["language"] == lang);
      CHECK((*rv)["revision"] == 1);
      {
        pqxx::read_transaction tx(*conn);
        auto row = tx.exec_params1(
            "SELECT coalesce(language, ''), guardrail::text, text FROM summaries WHERE video_id = $1 AND variant = $2 "
            "ORDER BY revision DESC LIMIT 1",
            key, stored);
        CHECK(row[0].as<std::string>() == lang);
        CHECK(row[2].as<std::string>() == text);
        auto guard = json::parse(row[1].as<std::string>());
        CAPTURE(guard.dump());
        CHECK(guard["language"].value("expected", "") == lang);
        CHECK(guard["language"].value("detected", "") == lang);
        CHECK(!guard["accepted"].contains("below_spec"));
      }

      // It reads as sentences.
      auto problems = sentence_problems(text);
      for (const auto& p : problems) MESSAGE(sc.speech << " " << name << ": " << p);
      CHECK(problems.empty());
      if (lang == "en") {
        auto is = lowercase_i(text);
        for (const auto& w : is) MESSAGE(sc.speech << " " << name << ": lower-case pronoun '" << w << "'");
        CHECK(is.empty());
      }
      // Names keep their capitals wherever they appear in the speech's own
      // language; a translation's are Apertium's (it writes "paris" in Spanish).
      std::string seen;
      const bool own_language = lang == sc.speech.substr(0, 2);
      for (const auto& n : sc.names) {
        for (const auto& w : occurrences(text, n)) {
          CAPTURE(w);
          if (own_language) CHECK(td::test::letter_case(w) > 0);
          else WARN(td::test::letter_case(w) > 0);
          seen += " " + w;
        }
      }
      // A known limit (not a failure): a name that is also a lowercase
      // dictionary word stays lowercase (libs/summarize/casing.h).
      for (const auto& n : sc.homographs) {
        for (const auto& w : occurrences(text, n)) {
          CAPTURE(w);
          WARN(td::test::letter_case(w) > 0);
          seen += " " + w;
        }
      }
      if (!seen.empty()) MESSAGE(sc.speech << " " << name << ": names as written:" << seen);

      if (!v.is_audio()) {
        MESSAGE(sc.speech << " " << name << ": " << lang << ", " << (*rv)["word_count"] << " words");
        continue;
      }
      // The MP3: decodes, lasts what the report says, spoken at its setting.
      std::string url = (*rv)["audio_url"].get<std::string>();
      auto mp3 = c.Get(url.c_str());
      REQUIRE(mp3);
      REQUIRE(mp3->status == 200);
      CHECK(mp3->get_header_value("Content-Type") == "audio/mpeg");
      td::tts::test::Decoded decoded;
      try {
        decoded = td::tts::test::decode_mp3(mp3->body);
      } catch (const std::exception& e) {
        FAIL_CHECK("mp3 does not decode: " << e.what());
        continue;
      }
      CHECK(decoded.seconds() > 10);
      CHECK(decoded.rms() > 300);
      CHECK(decoded.seconds() == doctest::Approx((*rv)["duration"].get<double>()).epsilon(0.05));
      size_t words = td::tts::count_spoken_words(td::tts::clean_script(text));
      int want = kRate.at(v.effective_level());
      double wpm = words * 60.0 / decoded.seconds();
      MESSAGE(sc.speech << " " << name << ": " << lang << ", " << (*rv)["word_count"] << " words (" << words
                        << " spoken), " << decoded.seconds() << " s, " << wpm << " wpm (setting " << want << ", "
                        << 100 * (wpm / want - 1) << " %)");
      CHECK(std::abs(wpm / want - 1) <= 0.10);
    }
  }

  // Submitting a video again reuses its transcript: no yt-dlp call at all.
  auto t_resubmit = Clock::now();
  const auto& again = kCases.front();
  auto before = ytdlp_calls(stack.ytdlp_log, again.id);
  const int64_t stored_before = td::test::counter(*conn, "ingest_transcript_stored");
  const int64_t fetched_before = td::test::counter(*conn, "ingest_transcript_fetched");
  CHECK(stored_before == 0);
  CHECK(fetched_before == int64_t(kCases.size()));
  int summaries_before, audio_before;
  {
    pqxx::read_transaction tx(*conn);
    summaries_before = tx.exec("SELECT count(*) FROM summaries")[0][0].as<int>();
    audio_before = tx.exec("SELECT count(*) FROM audio")[0][0].as<int>();
  }
  json body = {{"url", "https://www.youtube.com/watch?v=" + again.id}, {"variants", again.variants}};
  auto r = c.Post("/api/submit", body.dump(), "application/json");
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 202);
  const int64_t job = json::parse(r->body)["job_id"].get<int64_t>();
  CHECK(job != first_job[again.id]);
  REQUIRE(td::test::eventually(
      [&] {
        pqxx::read_transaction tx(*conn);
        auto s = tx.exec_params1("SELECT status FROM jobs WHERE id = $1", job)[0].as<std::string>();
        return s == "done" || s == "dead";
      },
      30s));
  {
    pqxx::read_transaction tx(*conn);
    CHECK(tx.exec_params1("SELECT status FROM jobs WHERE id = $1", job)[0].as<std::string>() == "done");
  }
  auto after = ytdlp_calls(stack.ytdlp_log, again.id);
  CHECK(after.captions == before.captions);  // no caption download
  CHECK(after.metadata == before.metadata);  // and no metadata call
  CHECK(td::test::counter(*conn, "ingest_transcript_stored") == stored_before + 1);
  CHECK(td::test::counter(*conn, "ingest_transcript_fetched") == fetched_before);
  // The same, as GET /api/metrics shows it (cached for about a second).
  CHECK(td::test::eventually(
      [&] {
        return get_json(c, "/api/metrics")["counters"].value("ingest_transcript_stored", int64_t{0}) ==
               stored_before + 1;
      },
      10s));
  // Whatever the ingest queued committed with its completion: nothing is.
  {
    pqxx::read_transaction tx(*conn);
    CHECK(tx.exec("SELECT count(*) FROM jobs WHERE status <> 'done'")[0][0].as<int>() == 0);
    CHECK(tx.exec("SELECT count(*) FROM summaries")[0][0].as<int>() == summaries_before);
    CHECK(tx.exec("SELECT count(*) FROM audio")[0][0].as<int>() == audio_before);
    auto t = tx.exec_params1("SELECT source FROM transcripts WHERE video_id = $1", "yt:" + again.id);
    CHECK(t[0].as<std::string>() == "auto");
  }
  MESSAGE("timings: stack start " << startup_s << " s, submit to every MP3 " << pipeline_s << " s, resubmit "
                                  << seconds_since(t_resubmit) << " s, total " << seconds_since(t0) << " s");
}
