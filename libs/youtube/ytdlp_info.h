// yt-dlp's --dump-single-json output -> VideoMetadata.
//
// Reads yt-dlp's own field names (id, title, description, channel/uploader,
// channel_id, duration, upload_date YYYYMMDD, view_count, like_count,
// comment_count, tags, categories, thumbnail/thumbnails, language, chapters
// [{start_time,end_time,title}], live_status (or the older is_live/was_live),
// subtitles and automatic_captions {lang: [{ext, url, name}]}). Fields of the
// wrong type are ignored rather than trusted. Invalid UTF-8 and lone
// surrogate escapes are repaired before parsing.
#pragma once

#include <string>
#include <string_view>

#include "youtube/metadata.h"

namespace td::youtube {

// Throws td::TransientError("ytdlp_bad_output") when the text is not a JSON
// object, td::PermanentError("bad_link") when it describes a playlist or
// channel instead of one video.
VideoMetadata parse_ytdlp_info(std::string_view json_text, const std::string& requested_id);

}  // namespace td::youtube
