#include "telegram/text.h"

#include <algorithm>
#include <cctype>

namespace td::telegram {

namespace {

// The length of the UTF-8 sequence starting at s[i], or 1 for a byte that
// does not start a valid one (it is then a token of its own: never split,
// never joined with what follows).
size_t sequence_length(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
  if (n <= 1 || i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  return n;
}

struct Token {
  enum Kind { kChar, kEntity, kOpen, kClose } kind;
  size_t begin, end;     // bytes of the input
  size_t units;          // telegram_length of the token
  std::string name;      // tags: the lower-cased name
  bool space = false;    // ' ', '\t', '\r' or '\n'
  bool newline = false;  // '\n'
};

// <name ...> or </name>, quoted attribute values skipped; npos when s[i]
// does not start a tag (a stray '<' is then a character).
size_t tag_end(std::string_view s, size_t i) {
  size_t j = i + 1;
  if (j < s.size() && s[j] == '/') ++j;
  if (j >= s.size() || !std::isalpha(static_cast<unsigned char>(s[j]))) return std::string_view::npos;
  char quote = 0;
  for (; j < s.size(); ++j) {
    if (quote) {
      if (s[j] == quote) quote = 0;
    } else if (s[j] == '"' || s[j] == '\'') {
      quote = s[j];
    } else if (s[j] == '>') {
      return j + 1;
    } else if (s[j] == '<') {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// &name; &#123; &#x1F600; (at most 32 bytes); npos otherwise.
size_t entity_end(std::string_view s, size_t i) {
  size_t j = i + 1;
  bool numeric = j < s.size() && s[j] == '#';
  bool hex = numeric && j + 1 < s.size() && (s[j + 1] == 'x' || s[j + 1] == 'X');
  j += numeric + hex;
  size_t first = j;
  while (j < s.size() && j - i < 32) {
    auto c = static_cast<unsigned char>(s[j]);
    bool ok = hex ? std::isxdigit(c) : numeric ? std::isdigit(c) : std::isalnum(c);
    if (!ok) break;
    ++j;
  }
  if (j == first || j >= s.size() || s[j] != ';') return std::string_view::npos;
  return j + 1;
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  for (size_t i = 0; i < s.size();) {
    Token t{Token::kChar, i, i, 0, "", false, false};
    size_t end = std::string_view::npos;
    if (s[i] == '<' && (end = tag_end(s, i)) != std::string_view::npos) {
      t.kind = s[i + 1] == '/' ? Token::kClose : Token::kOpen;
      size_t n = i + 1 + (t.kind == Token::kClose);
      while (n < end && (std::isalnum(static_cast<unsigned char>(s[n])) || s[n] == '-'))
        t.name += static_cast<char>(std::tolower(static_cast<unsigned char>(s[n++])));
    } else if (s[i] == '&' && (end = entity_end(s, i)) != std::string_view::npos) {
      t.kind = Token::kEntity;
    } else {
      end = i + sequence_length(s, i);
      t.space = s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n';
      t.newline = s[i] == '\n';
    }
    t.end = end;
    t.units = telegram_length(s.substr(i, end - i));
    out.push_back(std::move(t));
    i = end;
  }
  return out;
}

// How good a cut before token i is: lower is better.
enum Rank { kParagraph = 0, kLine, kSentence, kSpace, kAnywhere, kRanks };

bool ends_sentence(std::string_view text) {
  return text == "." || text == "!" || text == "?" || text == "\xE2\x80\xA6";  // …
}

bool closes_quote(std::string_view text) {
  return text == ")" || text == "\"" || text == "'" || text == "&quot;" || text == "\xC2\xBB" ||  // »
         text == "\xE2\x80\x9D";                                                                  // ”
}

// The rank of a cut before each token: a whitespace run's first token is a
// paragraph break (two or more newlines in the run), a line end (one), a
// sentence end (after . ! ? … possibly followed by a closing quote or
// bracket, tags between ignored) or a space; any other token boundary is
// kAnywhere.
std::vector<Rank> ranks(std::string_view s, const std::vector<Token>& tokens) {
  std::vector<Rank> out(tokens.size(), kAnywhere);
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!tokens[i].space || (i > 0 && tokens[i - 1].space)) continue;
    int newlines = 0;
    for (size_t j = i; j < tokens.size() && tokens[j].space; ++j) newlines += tokens[j].newline;
    if (newlines >= 2) {
      out[i] = kParagraph;
    } else if (newlines == 1) {
      out[i] = kLine;
    } else {
      // The visible characters before the space, tags skipped.
      std::vector<std::string_view> before;
      for (size_t j = i; j-- > 0 && before.size() < 2;) {
        if (tokens[j].kind == Token::kOpen || tokens[j].kind == Token::kClose) continue;
        before.push_back(s.substr(tokens[j].begin, tokens[j].end - tokens[j].begin));
      }
      bool sentence = !before.empty() && (ends_sentence(before[0]) ||
                                          (before.size() == 2 && closes_quote(before[0]) && ends_sentence(before[1])));
      out[i] = sentence ? kSentence : kSpace;
    }
  }
  return out;
}

// The tags open at some point, outermost first: indexes of their open tokens.
using Stack = std::vector<size_t>;

void apply(const std::vector<Token>& tokens, size_t i, Stack& stack) {
  const Token& t = tokens[i];
  if (t.kind == Token::kOpen) {
    stack.push_back(i);
  } else if (t.kind == Token::kClose) {
    // The innermost tag of that name, and any left unclosed inside it.
    for (size_t k = stack.size(); k-- > 0;) {
      if (tokens[stack[k]].name == t.name) {
        stack.resize(k);
        break;
      }
    }
  }
}

size_t closing_units(const std::vector<Token>& tokens, const Stack& stack) {
  size_t n = 0;
  for (size_t k : stack) n += tokens[k].name.size() + 3;  // </name>
  return n;
}

bool is_open(const std::vector<Token>& tokens, const Stack& stack, const std::string& name) {
  return std::any_of(stack.begin(), stack.end(), [&](size_t k) { return tokens[k].name == name; });
}

}  // namespace

size_t telegram_length(std::string_view html) {
  size_t n = 0;
  for (size_t i = 0; i < html.size();) {
    size_t len = sequence_length(html, i);
    n += len == 4 ? 2 : 1;
    i += len;
  }
  return n;
}

std::vector<std::string> split_message(const std::string& html, size_t limit) {
  if (html.empty()) return {};
  if (telegram_length(html) <= limit) return {html};
  const std::string_view s = html;
  const auto tokens = tokenize(s);
  const auto rank = ranks(s, tokens);
  auto text_of = [&](size_t i) { return s.substr(tokens[i].begin, tokens[i].end - tokens[i].begin); };

  std::vector<std::string> parts;
  Stack open;  // the tags open where the next part starts
  size_t start = 0;
  while (start < tokens.size()) {
    // The tags carried over open the part, unless they would take too much of it.
    size_t prefix = 0;
    for (size_t k : open) prefix += tokens[k].units;
    if (prefix + closing_units(tokens, open) > limit / 2) {
      open.clear();
      prefix = 0;
    }

    // Walk forward while the part, closed at the candidate cut, fits; keep
    // the last fitting cut of each rank. A close tag without its open tag in
    // this part's stack (one dropped above) is left out.
    Stack stack = open;
    size_t used = prefix;
    size_t best[kRanks];
    size_t best_used[kRanks];
    std::fill(best, best + kRanks, 0);
    std::fill(best_used, best_used + kRanks, 0);
    bool any_text = false;
    size_t i = start;
    for (; i < tokens.size(); ++i) {
      // A cut before token i.
      if (i > start && any_text && used + closing_units(tokens, stack) <= limit) {
        best[rank[i]] = i;
        best_used[rank[i]] = used;
        best[kAnywhere] = i;
        best_used[kAnywhere] = used;
      }
      const Token& t = tokens[i];
      bool orphan = t.kind == Token::kClose && !is_open(tokens, stack, t.name);
      size_t cost = orphan ? 0 : t.units;
      Stack after = stack;
      apply(tokens, i, after);
      if (used + cost + closing_units(tokens, after) > limit && i > start) break;
      used += cost;
      stack = std::move(after);
      if (t.kind == Token::kChar || t.kind == Token::kEntity) any_text |= !t.space;
    }

    size_t cut = tokens.size();
    if (i < tokens.size()) {
      cut = 0;
      // The best rank of whitespace that leaves the part at least half full,
      // else the best rank found at all (a cut between characters last).
      for (int r = kParagraph; r < kAnywhere && !cut; ++r)
        if (best[r] && best_used[r] >= limit / 2) cut = best[r];
      for (int r = kParagraph; r <= kAnywhere && !cut; ++r) cut = best[r];
      if (!cut) {
        // Not even the first character fits after the markup before it:
        // give up the tags carried over, then the tags opening this part
        // (their close tags become orphans); a single character larger
        // than the limit (limit 1 and an emoji) goes alone.
        if (!open.empty()) {
          open.clear();
          continue;
        }
        if (tokens[start].kind == Token::kOpen) {
          ++start;
          continue;
        }
        cut = start + 1;
      }
      // A hard cut right after opening tags moves before them: no empty <b></b>.
      if (rank[cut] == kAnywhere)
        while (cut - 1 > start && tokens[cut - 1].kind == Token::kOpen) --cut;
    }

    // The part: reopened tags, its tokens (orphan close tags left out), the
    // whitespace before the cut dropped, the tags still open closed.
    std::string part;
    for (size_t k : open) part += text_of(k);
    Stack stack2 = open;
    size_t end = cut;
    while (end > start && tokens[end - 1].space) --end;
    for (size_t k = start; k < end; ++k) {
      const Token& t = tokens[k];
      if (t.kind == Token::kClose && !is_open(tokens, stack2, t.name)) continue;
      part += text_of(k);
      apply(tokens, k, stack2);
    }
    for (size_t k = stack2.size(); k-- > 0;) part += "</" + tokens[stack2[k]].name + ">";
    if (!part.empty()) parts.push_back(std::move(part));

    // The next part starts after the whitespace at the cut.
    start = cut;
    while (start < tokens.size() && tokens[start].space) ++start;
    open = std::move(stack2);  // whitespace dropped at the cut opens no tags
    // Only markup left (closing tags): nothing to send.
    bool visible = false;
    for (size_t k = start; k < tokens.size() && !visible; ++k)
      visible = (tokens[k].kind == Token::kChar || tokens[k].kind == Token::kEntity) && !tokens[k].space;
    if (!visible) break;
  }
  return parts;
}

}  // namespace td::telegram
