// Client input quoted in an error message: at most `max` bytes, control
// characters (NUL, CR, LF, ...) shown as \xNN, in single quotes. Messages
// travel as C strings (std::exception::what()) and into logs and JSON: a NUL
// would cut them short, a newline would forge a log line.
#pragma once

#include <string>
#include <string_view>

namespace td {

std::string quote_input(std::string_view s, size_t max = 64);

// A message for one line of a terminal or log: libpq's run over several lines
// (a "\tIs the server running...?" hint, "DETAIL:", "HINT:"); each piece is
// trimmed and they are joined with "; ".
std::string one_line(std::string_view message);

// `s` without leading and trailing spaces, tabs, CRs and LFs (a setting's
// value, an item of a comma-separated list).
std::string trim(std::string_view s);

// Text for HTML, or for the markups that borrow its escapes (Telegram's HTML
// parse mode, Slack's mrkdwn): &, < and > as entities; nothing else changes.
std::string escape_html(std::string_view text);

}  // namespace td
