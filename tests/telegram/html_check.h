// Telegram's HTML parse mode as the mock applies it: which tags exist, that
// they nest, which entities exist, and how long the text is once parsed.
// Stricter than nothing, looser than Telegram in one way: nesting rules
// between entities (no <b> inside <pre>, say) are not checked.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace td::telegram::test {

struct ParsedHtml {
  std::optional<std::string> error;  // Telegram's wording after "can't parse entities: "
  std::string text;                  // the text without markup, entities decoded
  size_t length = 0;                 // of `text`, in UTF-16 code units (what the 4,096 limit counts)
};

ParsedHtml parse_html(std::string_view html);

// UTF-16 code units of UTF-8 text.
size_t utf16_length(std::string_view text);

}  // namespace td::telegram::test
