#include "youtube/utf8.h"

#include <cstdint>

namespace td::youtube::utf8 {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the valid sequence at in[i], or 0 when it is invalid.
size_t sequence_length(std::string_view in, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(in[i + k]); };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else return 0;
  if (i + n > in.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

bool dropped_control(unsigned char c) { return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of "\uXXXX" at s[i] (s[i] == '\\'), or -1.
long escape_at(std::string_view s, size_t i) {
  if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return -1;
  long v = 0;
  for (size_t k = 2; k < 6; ++k) {
    int h = hex_value(s[i + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

}  // namespace

std::string sanitize(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    size_t n = sequence_length(in, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      // A broken multi-byte sequence gets one replacement, not one per byte.
      while (i < in.size() && (static_cast<unsigned char>(in[i]) & 0xC0) == 0x80) ++i;
      continue;
    }
    if (n == 1 && dropped_control(static_cast<unsigned char>(in[i]))) {
      ++i;
      continue;
    }
    out.append(in.substr(i, n));
    i += n;
  }
  return out;
}

size_t first_invalid(std::string_view in) {
  for (size_t i = 0; i < in.size();) {
    size_t n = sequence_length(in, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

bool valid(std::string_view in) { return first_invalid(in) == std::string_view::npos; }

std::string truncate(std::string_view in, size_t max_chars, bool* cut) {
  size_t chars = 0, i = 0;
  while (i < in.size() && chars < max_chars) {
    size_t n = sequence_length(in, i);
    i += n == 0 ? 1 : n;
    ++chars;
  }
  if (cut) *cut = i < in.size();
  return std::string(in.substr(0, i));
}

std::string sanitize_json_text(std::string_view raw) {
  std::string in = sanitize(raw);
  std::string out;
  out.reserve(in.size());
  bool in_string = false;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out += c;
      continue;
    }
    if (c == '"') {
      in_string = false;
      out += c;
      continue;
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    long unit = escape_at(in, i);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      long next = escape_at(in, i + 6);
      if (next >= 0xDC00 && next <= 0xDFFF) {
        out.append(in.substr(i, 12));
        i += 11;
      } else {
        out += "\\ufffd";
        i += 5;
      }
      continue;
    }
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      out += "\\ufffd";
      i += 5;
      continue;
    }
    // Any other escape: copy the backslash and the escaped character together
    // so an escaped quote does not end the string.
    out += c;
    if (i + 1 < in.size()) out += in[++i];
  }
  return out;
}

void append(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace td::youtube::utf8
