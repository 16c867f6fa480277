// llm_cost_bench: what one video costs an LLM provider, in requests and
// tokens, with chunk notes made once per transcript (a NotesStore, as the
// summarize service keeps them in chunk_notes) and without (every variant
// maps the transcript again). A 60-minute generated lecture (~9,000 words)
// gets the four default variants, then a reprocess of all four.
//
// The provider is a loopback OpenAI-compatible mock that counts tokens as
// providers roughly do (~4 characters a token) and answers a chunk request
// with notes ~1/10 of the chunk and a variant request with an answer of the
// size asked. Requests and tokens are exact counts, not timings; wall time is
// the mock's (near zero), so no medians are needed.
#include <httplib.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "summarize/notes.h"
#include "summarize/openai.h"
#include "summarize/text.h"
#include "transcript_gen.h"

using json = nlohmann::json;
using namespace td::summarize;
using namespace std::chrono_literals;

namespace {

std::string words(size_t n) {
  static const char* pool[] = {"solar", "storage", "grids", "policy", "costs", "demand", "cities", "homes"};
  std::string s;
  for (size_t i = 0; i < n; ++i) s += std::string(i ? " " : "") + pool[i % 8] + (i % 12 == 11 ? "." : "");
  return s + ".";
}

struct Provider {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  Provider() {
    server.Post("/v1/chat/completions", [](const httplib::Request& req, httplib::Response& res) {
      auto body = json::parse(req.body);
      std::string user = body["messages"][1]["content"];
      size_t prompt = req.body.size() / 4;
      bool chunk = user.find("This is part ") != std::string::npos;
      std::string content = words(chunk ? prompt / 10 * 3 / 4 : 300);  // ~0.75 words a token
      json out = {
          {"model", "bench-model"},
          {"choices",
           {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
          {"usage", {{"prompt_tokens", prompt}, {"completion_tokens", content.size() / 4 + 1}}}};
      res.set_content(out.dump(), "application/json");
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(5ms);
  }
  ~Provider() {
    server.stop();
    thread.join();
  }
};

struct Cost {
  Usage usage;
  void add(const Usage& u) {
    usage.requests += u.requests;
    usage.prompt_tokens += u.prompt_tokens;
    usage.completion_tokens += u.completion_tokens;
    usage.notes_made += u.notes_made;
    usage.notes_reused += u.notes_reused;
  }
  json to_json() const {
    return {{"requests", usage.requests},
            {"prompt_tokens", usage.prompt_tokens},
            {"completion_tokens", usage.completion_tokens},
            {"notes_made", usage.notes_made},
            {"notes_reused", usage.notes_reused}};
  }
};

}  // namespace

int main(int argc, char** argv) {
  bool as_json = false;
  int minutes = 60;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--json")) as_json = true;
    else if (!std::strcmp(argv[i], "--minutes") && i + 1 < argc) minutes = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--database-url") && i + 1 < argc) ++i;  // scripts/bench.sh passes it to all
    else {
      std::cerr << "usage: llm_cost_bench [--json] [--minutes N]\n";
      return 2;
    }
  }
  Provider provider;
  OpenAiConfig c;
  c.base_url = "http://127.0.0.1:" + std::to_string(provider.port) + "/v1";
  c.model = "bench-model";
  c.timeout = 10s;

  testing::GenOptions g;
  g.minutes = minutes;
  auto input = testing::generate_transcript(g);
  input.transcript_language = "en";
  const std::vector<std::string> variants = {"comprehensive", "bullet-points", "key-insights", "audio"};

  json result = {{"bench", "llm_cost"},
                 {"minutes", minutes},
                 {"transcript_words", count_words(transcript_text(input))},
                 {"chunk_tokens", c.chunk_tokens}};
  for (bool keep : {false, true}) {
    OpenAiSummarizer llm(c, [](std::chrono::milliseconds) {});
    MemoryNotesStore store;
    input.notes_store = keep ? &store : nullptr;
    Cost first, again;
    for (auto& v : variants) first.add(llm.summarize(input, td::parse_variant(v), {}).usage);
    for (auto& v : variants) again.add(llm.summarize(input, td::parse_variant(v), {}).usage);
    std::string name = keep ? "notes_kept" : "notes_not_kept";
    result[name] = {{"four_variants", first.to_json()}, {"reprocess_four", again.to_json()}};
    if (!as_json)
      for (auto [label, cost] : {std::pair<const char*, Cost*>{"4 variants", &first}, {"reprocess", &again}})
        std::cout << name << "  " << label << ": " << cost->usage.requests << " requests, " << cost->usage.prompt_tokens
                  << " prompt tokens, " << cost->usage.completion_tokens << " completion tokens (notes made "
                  << cost->usage.notes_made << ", reused " << cost->usage.notes_reused << ")\n";
  }
  std::cout << result.dump() << "\n";
  return 0;
}
