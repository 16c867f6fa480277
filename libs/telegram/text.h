// Text for Telegram's HTML parse mode: escaping, and cutting long texts into
// messages Telegram accepts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/quote.h"

namespace td::telegram {

// Escaping text for the HTML parse mode is td::escape_html (common/quote.h):
// &, < and > only. Quotes stay as they are, so it is for text, not for the
// value of an href (which must also have '"' as &quot;).
using td::escape_html;

// The length split_message() measures: UTF-16 code units of the text as
// written, tags and entities included (a code point above U+FFFF counts 2,
// every other code point 1; an invalid byte counts 1).
size_t telegram_length(std::string_view html);

// Cuts `html` into parts of at most `limit` (telegram_length) each, for
// Telegram's 4,096-character limit on a message's text.
//
// How it counts. Telegram counts the text after parsing the markup, in
// characters; its entity offsets count UTF-16 code units. Counting the
// markup too, in UTF-16 units, can only overcount: a part within `limit`
// here is within it for Telegram whichever of the two it applies, and the
// measure is one a test can check on the part itself.
//
// Where it cuts. At the last paragraph break ("\n\n") that leaves the part
// at least half full, else the last line end, then the last sentence end
// (. ! ? or … before a space), then the last space, each under the same
// half-full rule; when none qualifies, the last such boundary of any size,
// in the same order; and a text without any (a 10,000-character URL) is cut
// between characters. A cut is never inside a tag, an entity (&amp;) or a
// UTF-8 sequence, and the whitespace at a cut is dropped.
//
// Markup. With Telegram's tags (<b>, <i>, <u>, <s>, <a href>, <code>,
// <pre>, <blockquote>, <tg-spoiler>...), every part is valid on its own: the
// tags open at a cut are closed at the end of the part and opened again, as
// written, at the start of the next, and they count toward both parts'
// lengths. (Should the tags open at a cut take more than half the limit by
// themselves, or leave no room for the text after them, they are not
// reopened and the rest goes on without them; a tag too long to fit with
// any text at all is left out, with its close tag.)
//
// A text within the limit comes back as the one part, unchanged; an empty
// text gives no parts.
std::vector<std::string> split_message(const std::string& html, size_t limit = 4096);

}  // namespace td::telegram
