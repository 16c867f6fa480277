// summarize_bench: extractive summarizer time per variant for a 10-minute,
// 1-hour and 3-hour generated transcript (medians of --runs runs, default 5).
// Text variants (and audio) never translate; audio-es/audio-fr include the
// Apertium process calls when Apertium is installed (--no-translate skips them).
// With --json the last line is one JSON object; the target checked is all
// text variants of a 1-hour transcript under 1 s on one core.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "summarize/extractive.h"
#include "summarize/text.h"
#include "transcript_gen.h"

using namespace td::summarize;

int main(int argc, char** argv) {
  bool as_json = false, translate = true, captions = false;
  int runs = 5;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--json")) as_json = true;
    else if (!std::strcmp(argv[i], "--no-translate")) translate = false;
    else if (!std::strcmp(argv[i], "--auto-captions")) captions = true;
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--database-url") && i + 1 < argc) ++i;  // scripts/bench.sh passes it to all
    else {
      std::cerr << "usage: summarize_bench [--json] [--runs N] [--no-translate] [--auto-captions]\n";
      return 2;
    }
  }
  std::vector<std::string> variants = {"comprehensive", "bullet-points", "key-insights", "audio"};
  if (translate) variants.insert(variants.end(), {"audio-es", "audio-fr:beginner"});
  nlohmann::json result = {{"bench", "summarize_extractive"},
                           {"runs", runs},
                           {"auto_captions", captions},
                           {"durations", nlohmann::json::object()}};
  ExtractiveSummarizer ex;
  double text_1h = 0;
  for (int minutes : {10, 60, 180}) {
    testing::GenOptions g;
    g.minutes = minutes;
    g.auto_captions = captions;
    auto in = testing::generate_transcript(g);
    in.transcript_language = "en";
    nlohmann::json per = {{"transcript_words", count_words(transcript_text(in))},
                          {"variants_ms", nlohmann::json::object()}};
    double text_total = 0;
    for (auto& name : variants) {
      auto v = td::parse_variant(name);
      std::vector<double> ms;
      int words = 0;
      for (int r = 0; r < runs; ++r) {
        auto start = std::chrono::steady_clock::now();
        auto out = ex.summarize(in, v, {});
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        words = count_words(out.text);
      }
      std::sort(ms.begin(), ms.end());
      double median = ms[ms.size() / 2];
      per["variants_ms"][name] = std::round(median * 100) / 100;
      if (!v.is_audio()) text_total += median;
      if (!as_json)
        std::cout << minutes << " min  " << name << ": median " << median << " ms (" << words << " words)\n";
    }
    per["text_variants_total_ms"] = std::round(text_total * 100) / 100;
    if (minutes == 60) text_1h = text_total;
    result["durations"][std::to_string(minutes) + "min"] = per;
  }
  result["target_text_variants_1h_ms"] = 1000;
  result["text_variants_1h_ms"] = std::round(text_1h * 100) / 100;
  result["target_met"] = text_1h < 1000;
  if (!as_json) std::cout << "all text variants, 1 hour: " << text_1h << " ms (target < 1000 ms)\n";
  std::cout << result.dump() << "\n";
  return 0;
}
