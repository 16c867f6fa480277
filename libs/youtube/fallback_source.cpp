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

namespace {

std::optional<int> http_status_of(const std::exception& e) {
  auto* job_error = dynamic_cast<const td::JobError*>(&e);
  return job_error ? job_error->http_status() : std::nullopt;
}

}  // namespace

VideoMetadata FallbackMetadataSource::fetch(const std::string& id) {
  std::exception_ptr first;
  std::string first_message;
  std::optional<int> first_status;
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
    first_status = e.http_status();
  } catch (const std::exception& e) {
    first = std::current_exception();
    first_message = e.what();
    first_status = http_status_of(e);
  }
  if (!secondary_) {
    if (throttled) throw *throttled;
    std::rethrow_exception(first);
  }
  spdlog::info("video=yt:{} {} failed ({}); asking {}", id, primary_->name(), first_message, secondary_->name());
  // A rethrown error keeps its own status (a copy of a JobError keeps it).
  // An error that joins both messages keeps the primary's status: its message
  // leads, so the status agrees with the line an operator reads first (the
  // alert's last_error). When the primary had none (a timeout, an extraction
  // failure) the secondary's is the only HTTP answer YouTube gave, and the
  // joined error carries that one; a QuotaExceeded's never, as the quota is
  // not the video's fault and decides nothing here.
  try {
    return secondary_->fetch(id);
  } catch (const QuotaExceeded& e) {
    if (throttled) throw *throttled;
    if (permanent) throw *permanent;
    throw td::TransientError("metadata_unavailable", first_message + "; " + secondary_->name() + ": " + e.what(),
                             first_status);
  } catch (const td::PermanentError& e) {
    if (throttled) throw *throttled;
    if (permanent) throw *permanent;
    throw td::PermanentError(e.reason(), first_message + "; " + secondary_->name() + ": " + e.what(),
                             first_status ? first_status : e.http_status());
  } catch (const std::exception& e) {
    if (throttled) throw *throttled;
    if (permanent) throw *permanent;
    throw td::TransientError("metadata_unavailable", first_message + "; " + secondary_->name() + ": " + e.what(),
                             first_status ? first_status : http_status_of(e));
  }
}

std::shared_ptr<MetadataSource> metadata_source_from_env(FallbackMetadataSource::ThrottleHook on_throttled) {
  auto ytdlp = std::make_shared<YtDlpSource>(YtDlpConfig::from_env());
  std::shared_ptr<MetadataSource> api;
  if (auto config = DataApiConfig::from_env()) api = std::make_shared<DataApiSource>(*config);
  return std::make_shared<FallbackMetadataSource>(ytdlp, api, std::move(on_throttled));
}

}  // namespace td::youtube
