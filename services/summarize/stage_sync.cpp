#include "stage_sync.h"

#include <algorithm>
#include <set>

#include "variants/variants.h"

namespace td::summarize_stage {

namespace {

std::optional<std::string> stored_name(const std::string& raw) {
  // Unknown: refused at submit; an old row must not block syncing forever.
  if (auto v = find_variant(raw)) return v->name();
  return std::nullopt;
}

}  // namespace

std::vector<std::string> required_variants(const std::vector<std::string>& requested, const std::string& also) {
  std::vector<std::string> out;
  auto add = [&](const std::string& raw) {
    auto name = stored_name(raw);
    if (name && std::find(out.begin(), out.end(), *name) == out.end()) out.push_back(*name);
  };
  for (const auto& r : requested) add(r);
  add(also);
  return out;
}

std::optional<std::vector<std::string>> completed_generation(pqxx::transaction_base& tx, const store::Video& video,
                                                             const store::Summary& inserted,
                                                             const std::optional<store::ReprocessRequest>& reprocess) {
  if (inserted.reprocess_id) {
    // Did this variant already land for this reprocess (a second job of the
    // same request)? Then the generation was decided by that one.
    int rows_for_request = 0;
    for (const auto& s : store::summary_revisions(tx, video.id, inserted.variant))
      if (s.reprocess_id == inserted.reprocess_id) ++rows_for_request;
    if (rows_for_request != 1) return std::nullopt;
    // A request row that vanished leaves just this variant to wait for.
    std::vector<std::string> generation = reprocess ? required_variants(reprocess->variants, inserted.variant)
                                                    : std::vector<std::string>{inserted.variant};
    for (const auto& v : generation) {
      if (v == inserted.variant) continue;
      bool landed = false;
      for (const auto& s : store::summary_revisions(tx, video.id, v))
        landed = landed || s.reprocess_id == inserted.reprocess_id;
      if (!landed) return std::nullopt;
    }
  } else if (inserted.revision != 1) {
    return std::nullopt;
  }
  auto required = required_variants(video.requested_variants, inserted.variant);
  std::set<std::string> present;
  for (const auto& s : store::current_summaries(tx, video.id)) present.insert(s.variant);
  for (const auto& v : required)
    if (!present.count(v)) return std::nullopt;
  return required;
}

}  // namespace td::summarize_stage
