// tubedigest-summarize: claims `summarize` jobs and writes each variant's text
// (summarize_stage.h). Settings beyond the common worker flags:
//   --summarizer       SUMMARIZER        chain, e.g. "openai,extractive" (default extractive)
//   --summary-language SUMMARY_LANGUAGE  "auto" (the transcript's) or an ISO code
// The openai summarizer reads LLM_BASE_URL, LLM_API_KEY, LLM_MODEL, LLM_TIMEOUT, ...
#include "common/env.h"
#include "service/service.h"
#include "store/pipeline.h"
#include "summarize_stage.h"

int main(int argc, char** argv) {
  auto spec = td::service::Spec::for_stage(td::store::kSummarizeKind, 2);
  spec.extra_options = [](cxxopts::Options& o) {
    o.add_options()("summarizer", "summarizer chain (SUMMARIZER)",
                    cxxopts::value<std::string>()->default_value(td::env::get_or("SUMMARIZER", "extractive")))(
        "summary-language", "summary language, auto = the transcript's (SUMMARY_LANGUAGE)",
        cxxopts::value<std::string>()->default_value(td::env::get_or("SUMMARY_LANGUAGE", "auto")));
  };
  spec.make_handler = [](const cxxopts::ParseResult& r, td::worker::Options& o) {
    auto cfg =
        td::summarize_stage::config_from(r["summarizer"].as<std::string>(), r["summary-language"].as<std::string>());
    // Lives as long as the process: the worker's handler and hooks point into it.
    static td::summarize_stage::SummarizeStage stage(std::move(cfg));
    return td::stage::install(stage, o);
  };
  return td::service::run(spec, argc, argv);
}
