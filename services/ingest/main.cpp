// tubedigest-ingest: links -> video metadata + transcript -> summarize jobs.
#include "common/env.h"
#include "ingest_stage.h"
#include "service/service.h"
#include "store/pipeline.h"
#include "variants/variants.h"
#include "youtube/fallback_source.h"
#include "youtube/ytdlp_source.h"
#include "ytdlp_upkeep.h"

int main(int argc, char** argv) {
  auto spec = td::service::Spec::for_stage(td::store::kIngestKind, 2);
  spec.make_handler = [](const cxxopts::ParseResult&, td::worker::Options& options) -> td::worker::Handler {
    td::ingest::Config config;
    config.cache_ttl = std::chrono::duration_cast<std::chrono::seconds>(
        td::env::get_duration("METADATA_CACHE_TTL", std::chrono::hours(24)));
    auto variants = td::parse_variant_list(td::env::get_or("DEFAULT_VARIANTS", td::kDefaultVariants));
    for (const auto& v : variants) config.default_variants.push_back(v.name());
    config.throttle_backoff.base = td::env::get_duration("YOUTUBE_THROTTLE_BACKOFF", std::chrono::minutes(5));
    // Lives as long as the process: the worker's handler and hooks point into it.
    static td::ingest::IngestStage stage(td::youtube::metadata_source_from_env(),
                                         std::make_shared<td::youtube::YtDlpTranscriptSource>(), config);
    auto upkeep_config = td::ingest::UpkeepConfig::from_env();
    upkeep_config.database_url = options.database_url;
    upkeep_config.owner = options.worker_id;
    // Never destroyed: shutdown must not wait for an update (ytdlp_upkeep.h).
    auto* upkeep = new td::ingest::YtDlpUpkeep(upkeep_config);
    upkeep->start();
    return td::stage::install(stage, options);
  };
  return td::service::run(spec, argc, argv);
}
