#include "sse/frame.h"

#include "common/time_format.h"

#include <algorithm>
#include <ctime>
#include <map>

namespace td::sse {

namespace {
const char* const kReserved[] = {"id", "type", "video_id", "at"};

bool reserved(const std::string& k) {
  for (auto r : kReserved) {
    if (k == r) return true;
  }
  return false;
}

std::string dump_line(const nlohmann::json& j) {
  // No indent: one line; strings' newlines are escaped as \n. Invalid UTF-8
  // from a data field is replaced rather than throwing mid-broadcast.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string frame_bytes(const std::string& type, const nlohmann::json& payload) {
  std::string out;
  std::string data = dump_line(payload);
  out.reserve(data.size() + type.size() + 20);
  out += "event: ";
  out += safe_event_name(type);
  out += "\ndata: ";
  out += data;
  out += "\n\n";
  return out;
}

std::string plural(const std::string& k) { return k + "s"; }
}  // namespace

std::string format_time(std::chrono::system_clock::time_point t) { return td::iso8601(t); }

std::string safe_event_name(const std::string& type) {
  std::string out = type.empty() ? "message" : type;
  for (char& c : out) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':';
    if (!ok) c = '_';
  }
  return out;
}

nlohmann::json event_json(const Event& e) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = e.id;
  j["type"] = e.type;
  j["video_id"] = e.video_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.video_id);  // alerts: about no video
  j["at"] = format_time(e.at);
  if (e.data.is_object()) {
    for (auto it = e.data.begin(); it != e.data.end(); ++it) {
      if (!reserved(it.key())) j[it.key()] = it.value();
    }
  } else if (!e.data.is_null()) {
    j["data"] = e.data;
  }
  return j;
}

FramePtr make_frame(const Event& e) {
  auto f = std::make_shared<Frame>();
  f->min_id = f->max_id = e.id;
  f->type = e.type;
  f->video_id = e.video_id;
  f->count = 1;
  f->bytes = frame_bytes(e.type, event_json(e));
  return f;
}

FramePtr make_merged_frame(const std::vector<const Event*>& group) {
  const Event& last = *group.back();
  // Field -> values in id order; a field missing from some events counts as
  // differing (null stands in for it).
  std::vector<std::string> keys;
  std::map<std::string, std::vector<nlohmann::json>> values;
  for (const Event* e : group) {
    if (!e->data.is_object()) continue;
    for (auto it = e->data.begin(); it != e->data.end(); ++it) {
      if (reserved(it.key())) continue;
      if (!values.count(it.key())) keys.push_back(it.key());
      values[it.key()];
    }
  }
  for (const auto& k : keys) {
    for (const Event* e : group) {
      auto it = e->data.is_object() ? e->data.find(k) : e->data.end();
      values[k].push_back(e->data.is_object() && it != e->data.end() ? *it : nlohmann::json());
    }
  }

  nlohmann::json j = nlohmann::json::object();
  j["id"] = last.id;
  j["type"] = last.type;
  j["video_id"] = last.video_id;
  auto latest = group.front()->at;
  for (const Event* e : group) latest = std::max(latest, e->at);
  j["at"] = format_time(latest);
  // Fields that differ between the merged events become lists:
  //   a field holding arrays (e.g. ingest's "variants")  -> the union of their elements, same name;
  //   a singular field ("variant", "revision")          -> "<field>s": its distinct values, joined with
  //                                                        the elements of a "<field>s" field if one exists;
  //   a field already plural ("words")                  -> its distinct values, same name.
  // Equal values stay as they are (but "variant" always becomes "variants").
  auto add_distinct = [](nlohmann::json& list, const nlohmann::json& v) {
    if (!v.is_null() && std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
  };
  auto is_plural = [](const std::string& k) { return !k.empty() && k.back() == 's'; };
  for (const auto& k : keys) {
    const auto& vs = values[k];
    // Events without the field do not count as a different value.
    auto first = std::find_if(vs.begin(), vs.end(), [](const nlohmann::json& v) { return !v.is_null(); });
    bool all_same = std::all_of(
        vs.begin(), vs.end(), [&](const nlohmann::json& v) { return v.is_null() || first == vs.end() || v == *first; });
    bool arrays =
        std::all_of(vs.begin(), vs.end(), [](const nlohmann::json& v) { return v.is_null() || v.is_array(); });
    if (all_same && k != "variant") {
      j[k] = first == vs.end() ? nlohmann::json() : *first;
      continue;
    }
    std::string target = (arrays || is_plural(k)) ? k : plural(k);
    if (reserved(target)) continue;
    if (!j.contains(target) || !j[target].is_array()) j[target] = nlohmann::json::array();
    auto& list = j[target];
    for (const auto& v : vs) {
      if (v.is_array()) {
        for (const auto& e : v) add_distinct(list, e);
      } else {
        add_distinct(list, v);
      }
    }
  }
  nlohmann::json ids = nlohmann::json::array();
  for (const Event* e : group) ids.push_back(e->id);
  j["ids"] = ids;
  j["count"] = group.size();

  auto f = std::make_shared<Frame>();
  f->min_id = group.front()->id;
  f->max_id = last.id;
  f->type = last.type;
  f->video_id = last.video_id;
  f->count = group.size();
  f->bytes = frame_bytes(last.type, j);
  return f;
}

FramePtr make_control_frame(const std::string& type, const nlohmann::json& data, int64_t id) {
  auto f = std::make_shared<Frame>();
  f->min_id = f->max_id = id;
  f->type = type;
  f->count = 0;  // not an outbox event
  f->bytes = frame_bytes(type, data);
  return f;
}

FlushPtr flush_unbatched(const std::vector<Event>& events) {
  auto fl = std::make_shared<Flush>();
  fl->frames.reserve(events.size());
  for (const auto& e : events) {
    fl->frames.push_back(make_frame(e));
    fl->max_id = std::max(fl->max_id, e.id);
  }
  return fl;
}

FlushPtr flush_batched(const std::vector<Event>& events, const std::vector<FramePtr>& unit) {
  // Groups keep first-seen order; events arrive in id order.
  std::map<std::pair<std::string, std::string>, size_t> index;
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < events.size(); ++i) {
    // Events about no video (alert-firing, alert-resolved) each stay whole:
    // two alerts are two things, not one with lists. "#<id>" is no video id.
    auto key = std::make_pair(
        events[i].video_id.empty() ? std::string("#").append(std::to_string(events[i].id)) : events[i].video_id,
        events[i].type);
    auto it = index.find(key);
    if (it == index.end()) {
      index.emplace(key, groups.size());
      groups.push_back({i});
    } else {
      groups[it->second].push_back(i);
    }
  }
  auto fl = std::make_shared<Flush>();
  for (const auto& g : groups) {
    if (g.size() == 1) {
      fl->frames.push_back(unit.size() == events.size() ? unit[g[0]] : make_frame(events[g[0]]));
    } else {
      std::vector<const Event*> ptrs;
      for (size_t i : g) ptrs.push_back(&events[i]);
      fl->frames.push_back(make_merged_frame(ptrs));
    }
    fl->max_id = std::max(fl->max_id, fl->frames.back()->max_id);
  }
  std::sort(fl->frames.begin(), fl->frames.end(),
            [](const FramePtr& a, const FramePtr& b) { return a->max_id < b->max_id; });
  return fl;
}

RenderCount render(const Flush& flush, const Filter& filter, int64_t skip_upto, std::string& out) {
  RenderCount n;
  // Collect the frames this client gets, then give each its id only when no
  // later one holds a smaller event id (suffix minimum of min_id).
  const Frame* picked[64];
  std::vector<const Frame*> many;
  size_t k = 0;
  for (const auto& f : flush.frames) {
    if (f->max_id <= skip_upto || !filter.matches(f->type, f->video_id)) continue;
    if (k < 64) picked[k] = f.get();
    else {
      if (many.empty()) many.assign(picked, picked + 64);
      many.push_back(f.get());
    }
    ++k;
  }
  if (k == 0) return n;
  const Frame* const* fr = many.empty() ? picked : many.data();
  std::vector<int64_t> suffix_min(k);
  int64_t m = INT64_MAX;
  for (size_t i = k; i-- > 0;) {
    suffix_min[i] = m;
    m = std::min(m, fr[i]->min_id);
  }
  for (size_t i = 0; i < k; ++i) {
    const Frame& f = *fr[i];
    if (suffix_min[i] > f.max_id) {
      out += "id: ";
      out += std::to_string(f.max_id);
      out += '\n';
    }
    out += f.bytes;
    n.frames += 1;
    n.events += f.count;
  }
  return n;
}

}  // namespace td::sse
