#include "youtube/fallback_source.h"

#include <spdlog/spdlog.h>

#include "youtube/data_api_source.h"
#include "youtube/ytdlp_source.h"

namespace td::youtube {

FallbackMetadataSource::FallbackMetadataSource(std::shared_ptr<MetadataSource> primary,
                                               std::shared_ptr<MetadataSource> secondary, ThrottleHook on_throttled)
    : primary_(std::move(primary)), secondary_(std::move(secondary)), on_throttled_(std::move(on_throttled)) {}

std::string FallbackMetadataSource::name() const {
  return secondary_ ? primary_->name() + "+" + secondary_->name() : primary_->name();
}

VideoMetadata FallbackMetadataSource::fetch(const std::string& id) {
  std::exception_ptr first;
  std::string first_message;
  std::optional<Throttled> throttled;
  std::optional<td::PermanentError> permanent;
  try {
    return primary_->fetch(id);
  } catch (const Throttled& e) {
    throttled = e;
    first_message = e.what();
    if (on_throttled_) on_throttled_(e);
  } catch (const td::PermanentError& e) {
    if (e.reason() == "bad_link" || e.reason() == "live_not_finished" || !secondary_) throw;
    permanent = e;
    first_message = e.what();
  } catch (const std::exception& e) {
    first = std::current_exception();
    first_message = e.what();
  }
  if (!secondary_) {
    if (throttled) throw *throttled;
    std::rethrow_exception(first);
  }
  spdlog::info("video=yt:{} {} failed ({}); asking {}", id, primary_->name(), first_message, secondary_->name());
  try {
    return secondary_->fetch(id);
  } catch (const QuotaExceeded& e) {
    if (throttled) throw *throttled;
    if (permanent) throw *permanent;
    throw td::TransientError("metadata_unavailable", first_message + "; " + secondary_->name() + ": " + e.what());
  } catch (const td::PermanentError& e) {
    if (throttled) throw *throttled;
    if (permanent) throw *permanent;
    throw td::PermanentError(e.reason(), first_message + "; " + secondary_->name() + ": " + e.what());
  } catch (const std::exception& e) {
    if (throttled) throw *throttled;
    if (permanent) throw *permanent;
    throw td::TransientError("metadata_unavailable", first_message + "; " + secondary_->name() + ": " + e.what());
  }
}

std::shared_ptr<MetadataSource> metadata_source_from_env(FallbackMetadataSource::ThrottleHook on_throttled) {
  auto ytdlp = std::make_shared<YtDlpSource>(YtDlpConfig::from_env());
  std::shared_ptr<MetadataSource> api;
  if (auto config = DataApiConfig::from_env()) api = std::make_shared<DataApiSource>(*config);
  return std::make_shared<FallbackMetadataSource>(ytdlp, api, std::move(on_throttled));
}

}  // namespace td::youtube
