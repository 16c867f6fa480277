// Parsers for the caption formats YouTube serves through yt-dlp.
//
// WebVTT (also SRT, whose cues differ only in the decimal comma): NOTE,
// STYLE and REGION blocks and cue identifiers are skipped; inline tags
// (<c>, <c.colorE5E5E5>, <i>, <v Speaker>) and inline timestamps
// (<00:00:01.234>) are removed; entities decoded. Auto captions "roll": each
// cue repeats the previous cue's last line above its new one, and 10 ms cues
// repeat a line alone; a line equal to the previous cue's last line is
// dropped, and a line that extends it replaces it, so each spoken word is
// kept once. A truncated file yields the cues before the cut.
//
// json3: events[].segs[].utf8 concatenated per event, start at tStartMs;
// events without segs (window definitions) and "\n"-only appends are skipped.
//
// Both sanitize invalid UTF-8 first and never throw for odd text; only
// parse_json3 throws (td::TransientError "bad_caption_file") when the input is
// not JSON with an events array.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "youtube/transcript.h"

namespace td::youtube {

std::vector<Segment> parse_webvtt(std::string_view text);
std::vector<Segment> parse_json3(std::string_view text);

// The "Language: xx" header of a YouTube WebVTT file, or "".
std::string webvtt_language(std::string_view text);

// True when the text has a WEBVTT header or an SRT/VTT timing line near the top.
bool looks_like_subtitles(std::string_view text);

}  // namespace td::youtube
