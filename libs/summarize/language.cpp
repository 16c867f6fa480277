#include "summarize/language.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <climits>

namespace td::summarize {

Detection detect_language(const std::string& text) {
  Detection d;
  if (text.empty()) return d;
  CLD2::Language lang3[3];
  int percent3[3] = {0, 0, 0};
  double scores3[3] = {0, 0, 0};
  int text_bytes = 0;
  int valid_prefix = 0;
  bool reliable = false;
  CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  int len = text.size() > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(text.size());
  CLD2::Language lang =
      CLD2::ExtDetectLanguageSummaryCheckUTF8(text.data(), len, /*is_plain_text=*/true, &hints, 0, lang3, percent3,
                                              scores3, nullptr, &text_bytes, &reliable, &valid_prefix);
  if (lang == CLD2::UNKNOWN_LANGUAGE) return d;
  d.code = CLD2::LanguageCode(lang);
  if (d.code == "un" || d.code == "xx") d.code.clear();
  d.reliable = reliable && !d.code.empty();
  d.percent = percent3[0];
  return d;
}

}  // namespace td::summarize
