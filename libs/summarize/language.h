// Language detection with libcld2 (Debian libcld2-0): the transcript's
// language when captions do not say, and every output's language for the QA
// check. CLD2 is statistical: very short text may come back unreliable or
// unknown; callers decide how much to trust it from `reliable` and `percent`.
#pragma once

#include <string>

namespace td::summarize {

struct Detection {
  std::string code;  // ISO 639-1 where one exists ("en", "fr", "es"); "" when unknown
  bool reliable = false;
  int percent = 0;  // share of the text in that language, 0..100
};

// Never throws. Invalid UTF-8 yields an unknown, unreliable detection.
Detection detect_language(const std::string& text);

}  // namespace td::summarize
