#include "html_check.h"

#include "youtube/utf8.h"

#include <cctype>
#include <set>
#include <vector>

namespace td::telegram::test {

namespace {

const std::set<std::string> kTags = {"b",   "strong", "i", "em",   "u",   "ins",        "s",          "strike",
                                     "del", "span",   "a", "code", "pre", "blockquote", "tg-spoiler", "tg-emoji"};

}  // namespace

size_t utf16_length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;  // a lead byte or ASCII starts a code point
    if (c >= 0xF0) ++n;           // above U+FFFF: a surrogate pair
  }
  return n;
}

ParsedHtml parse_html(std::string_view s) {
  ParsedHtml out;
  std::vector<std::string> open;
  auto fail = [&](const std::string& why, size_t at) {
    out.error = why + " at byte offset " + std::to_string(at);
    return out;
  };
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '<') {
      size_t end = s.find('>', i);
      if (end == std::string_view::npos) return fail("unclosed start tag", i);
      std::string_view inner = s.substr(i + 1, end - i - 1);
      bool closing = !inner.empty() && inner[0] == '/';
      if (closing) inner.remove_prefix(1);
      std::string name;
      size_t k = 0;
      while (k < inner.size() && (std::isalnum(static_cast<unsigned char>(inner[k])) || inner[k] == '-'))
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(inner[k++])));
      std::string_view attrs = inner.substr(k);
      if (name.empty() || !kTags.count(name))
        return fail(std::string(closing ? "unsupported end tag" : "unsupported start tag") + " \"" + name + "\"", i);
      if (closing) {
        if (open.empty() || open.back() != name) return fail("unmatched end tag \"" + name + "\"", i);
        open.pop_back();
      } else {
        if (name == "a" && attrs.find("href=") == std::string_view::npos) return fail("a tag without href", i);
        if (name == "span" && attrs.find("tg-spoiler") == std::string_view::npos)
          return fail("tag \"span\" must have class \"tg-spoiler\"", i);
        open.push_back(name);
      }
      i = end + 1;
    } else if (c == '&') {
      size_t end = s.find(';', i);
      std::string_view name = end == std::string_view::npos ? std::string_view() : s.substr(i + 1, end - i - 1);
      if (name == "lt") out.text += '<';
      else if (name == "gt") out.text += '>';
      else if (name == "amp") out.text += '&';
      else if (name == "quot") out.text += '"';
      else if (name.size() > 1 && name[0] == '#') {
        bool hex = name[1] == 'x' || name[1] == 'X';
        std::string digits(name.substr(hex ? 2 : 1));
        if (digits.empty() ||
            digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
          return fail("invalid character reference", i);
        youtube::utf8::append(static_cast<char32_t>(std::stoul(digits, nullptr, hex ? 16 : 10)), out.text);
      } else {
        // Telegram keeps a '&' that starts no entity as it is.
        out.text += '&';
        i += 1;
        continue;
      }
      i = end + 1;
    } else {
      out.text += c;
      ++i;
    }
  }
  if (!open.empty()) return fail("can't find end tag corresponding to start tag \"" + open.back() + "\"", s.size());
  out.length = utf16_length(out.text);
  return out;
}

}  // namespace td::telegram::test
