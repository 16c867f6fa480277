// The variant vocabulary: the names users type, scripts send and services
// store. Kept exactly:
//   text:  comprehensive, bullet-points, key-insights
//   audio: audio, audio-fr, audio-es; the last two optionally with a level
//          suffix :beginner | :intermediate | :advanced (no suffix = intermediate).
//
// This file only names and parses variants. What each variant must look like
// (word ranges, checks) lives with the summarizer (libs/summarize).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace td {

enum class Level { none, beginner, intermediate, advanced };

struct Variant {
  std::string base;           // "comprehensive", ..., "audio-fr"
  Level level = Level::none;  // set only for audio-fr / audio-es

  bool is_audio() const;         // audio, audio-fr, audio-es
  bool is_multilingual() const;  // audio-fr, audio-es
  // "fr"/"es" for the multilingual ones; "" means "the summary language".
  std::string target_language() const;
  // The level that applies: multilingual variants without a suffix are intermediate.
  Level effective_level() const;
  // The stored name. "audio-fr:intermediate" is stored as "audio-fr".
  std::string name() const;
  bool operator==(const Variant& o) const { return name() == o.name(); }
};

class UnknownVariant : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The variant `name` spells (surrounding spaces ignored), or nothing when it
// names none: for callers that skip or answer an unknown name their own way.
std::optional<Variant> find_variant(std::string_view name);
// The same lookup for edges whose answer is the reason: throws UnknownVariant
// with a message saying what is wrong and listing the valid names.
Variant parse_variant(const std::string& name);
// Comma-separated list (spaces allowed); duplicates folded; order kept.
std::vector<Variant> parse_variant_list(const std::string& csv);
std::vector<Variant> parse_variant_list(const std::vector<std::string>& names);

std::string level_name(Level level);  // "beginner", ...; "" for none
std::string join_names(const std::vector<Variant>& variants, const std::string& sep = ",");
// The sentence every refusal carries.
std::string valid_variants_help();

inline const char* kDefaultVariants = "comprehensive,bullet-points,key-insights,audio";

}  // namespace td
