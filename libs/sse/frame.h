// Events and their wire form (the SSE frames), formatted once and shared.
//
// A Frame is the bytes of one SSE message *without* its `id:` line:
//   "event: TYPE\ndata: {...one line of JSON...}\n\n"
// The id line is added per client when the frame is written (render()), since
// whether a merged frame may carry an id depends on what that client's filter
// lets through (see "Resume exactness" in broker.h). All clients share the
// same Frame bytes; render() only concatenates.
//
// Merging (batching): a Flush is the frames made from one batch window. Events
// with the same (video_id, type) merge into one frame whose id is the highest
// of them; fields equal in all of them are kept; fields that differ become a
// list under the plural name ("variant" -> "variants": [...], distinct values in
// id order); `variant` always becomes `variants` so a client reads one shape;
// `ids` lists the merged event ids and `count` their number; `at` is the
// latest. A single event is never rewritten: its frame is the unbatched one.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace td::sse {

struct Event {
  int64_t id = 0;
  std::string type;
  std::string video_id;
  nlohmann::json data;  // the event's fields (an object; anything else goes under "data")
  std::chrono::system_clock::time_point at;
};

struct Filter {
  std::string video_id;         // empty: every video
  std::set<std::string> types;  // empty: every type
  bool matches(const std::string& type, const std::string& video_id) const {
    return (this->video_id.empty() || this->video_id == video_id) && (types.empty() || types.count(type) > 0);
  }
};

struct Frame {
  int64_t min_id = 0, max_id = 0;
  std::string type, video_id;
  size_t count = 1;   // events merged into it
  std::string bytes;  // "event: ...\ndata: ...\n\n"
};
using FramePtr = std::shared_ptr<const Frame>;

// Frames in ascending max_id. One publish() call (unbatched) or one batch
// window (batched) or one replay page.
struct Flush {
  std::vector<FramePtr> frames;
  int64_t max_id = 0;
};
using FlushPtr = std::shared_ptr<const Flush>;

// "2024-05-01T12:00:00.123Z"
std::string format_time(std::chrono::system_clock::time_point t);

// The event's JSON payload: {"id", "type", "video_id", "at", ...fields}.
// The reserved keys win over same-named data fields.
nlohmann::json event_json(const Event& e);

// SSE field values cannot hold CR or LF; event types come from the database,
// so anything outside [A-Za-z0-9._:-] becomes '_'.
std::string safe_event_name(const std::string& type);

FramePtr make_frame(const Event& e);
// The merged frame for events of one (video_id, type), ascending ids.
FramePtr make_merged_frame(const std::vector<const Event*>& group);
// A frame for a broker-made event (reset) that is not an outbox row.
FramePtr make_control_frame(const std::string& type, const nlohmann::json& data, int64_t id);

// One frame per event, no merging.
FlushPtr flush_unbatched(const std::vector<Event>& events);
// Groups by (video_id, type) and merges; `unit` holds the events' unbatched
// frames (same order as events) so single-event groups reuse their bytes.
FlushPtr flush_batched(const std::vector<Event>& events, const std::vector<FramePtr>& unit);

// Appends the frames of `flush` that pass `filter` and have max_id > skip_upto
// to `out`, each with an `id:` line when the client may safely resume from it:
// a frame gets its id only if no later frame of the same flush that this
// client receives holds a smaller event id. Returns the number of frames and
// events appended.
struct RenderCount {
  size_t frames = 0, events = 0;
};
RenderCount render(const Flush& flush, const Filter& filter, int64_t skip_upto, std::string& out);

}  // namespace td::sse
