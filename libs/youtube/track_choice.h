// Which caption track to fetch.
//
// Order (first that downloads and has text wins):
//   1. manual captions in the video's language
//   2. automatic captions in the video's language (the "-orig" ASR track first)
//   3. any manual captions (English first, then YouTube's order)
//   4. any untranslated automatic captions ("-orig" first)
//   5. machine-translated automatic captions (English first) - only exist next
//      to an untranslated track, so in practice never reached
// "The video's language" is VideoMetadata::language, or when that is empty
// the language of the "-orig" ASR track. A language matches on its primary
// subtag: "en" matches "en-US", "en-GB" and "en-orig". Live chat "captions"
// and tracks offering neither json3 nor vtt are never chosen.
#pragma once

#include <string>
#include <vector>

#include "youtube/metadata.h"

namespace td::youtube {

// The video's spoken language as far as the metadata tells; "" when unknown.
std::string video_language(const VideoMetadata& m);

std::vector<CaptionTrack> rank_tracks(const std::vector<CaptionTrack>& tracks, const std::string& video_language);

// The stored language of a track: its key without the "-orig" marker.
std::string track_language(const CaptionTrack& t);

}  // namespace td::youtube
