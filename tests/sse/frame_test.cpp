#include <doctest/doctest.h>

#include "sse/client_parser.h"
#include "sse/frame.h"

using td::sse::Event;

namespace {
Event ev(int64_t id, std::string type, std::string video, nlohmann::json data = nlohmann::json::object()) {
  return Event{id, std::move(type), std::move(video), std::move(data),
               std::chrono::system_clock::time_point(std::chrono::milliseconds(1714564800123LL + id))};
}

std::vector<td::sse::SseMessage> parse_body(const std::string& body) {
  // Wrap the bytes as a chunked HTTP response and run the client parser on them.
  char size[32];
  snprintf(size, sizeof size, "%zx", body.size());
  std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
  td::sse::SseResponseParser p;
  std::vector<td::sse::SseMessage> out;
  REQUIRE(p.feed(wire.data(), wire.size(), out));
  CHECK(p.finished());
  return out;
}
}  // namespace

TEST_CASE("a frame is one event with id, type and one-line JSON carrying video_id, type, at and the fields") {
  auto e = ev(42, "report-updated", "yt:abcdefghijk", {{"variant", "bullet-points"}, {"text", "line1\nline2"}});
  auto f = td::sse::make_frame(e);
  std::string out;
  td::sse::render(td::sse::Flush{{f}, 42}, {}, 0, out);
  CHECK(out.rfind("id: 42\nevent: report-updated\ndata: {", 0) == 0);
  CHECK(out.substr(out.size() - 2) == "\n\n");
  CHECK(std::count(out.begin(), out.end(), '\n') == 4);  // newline inside text stays escaped
  auto msgs = parse_body(out);
  REQUIRE(msgs.size() == 1);
  auto j = nlohmann::json::parse(msgs[0].data);
  CHECK(j["video_id"] == "yt:abcdefghijk");
  CHECK(j["type"] == "report-updated");
  CHECK(j["at"] == "2024-05-01T12:00:00.165Z");
  CHECK(j["variant"] == "bullet-points");
  CHECK(j["text"] == "line1\nline2");
  CHECK(j["id"] == 42);
}

TEST_CASE("reserved keys cannot be overridden and event names cannot inject lines") {
  auto f = td::sse::make_frame(ev(7, "evil\ndata: x", "yt:a", {{"video_id", "spoof"}, {"type", "spoof"}}));
  auto msgs = parse_body("id: 7\n" + f->bytes);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].event == "evil_data:_x");
  auto j = nlohmann::json::parse(msgs[0].data);
  CHECK(j["video_id"] == "yt:a");
  CHECK(j["type"] == "evil\ndata: x");
}

TEST_CASE("invalid UTF-8 in a field is replaced, not thrown") {
  CHECK_NOTHROW(td::sse::make_frame(ev(1, "report-updated", "yt:a", {{"title", std::string("bad \xff byte")}})));
}

TEST_CASE("batching merges one video's events of one type, keeps the highest id and lists the variants") {
  std::vector<Event> events{ev(1, "report-updated", "yt:A", {{"variant", "comprehensive"}, {"revision", 1}}),
                            ev(2, "audio-ready", "yt:B", {{"variant", "audio"}}),
                            ev(3, "report-updated", "yt:A", {{"variant", "key-insights"}, {"revision", 1}}),
                            ev(4, "report-updated", "yt:A", {{"variant", "bullet-points"}, {"revision", 2}})};
  auto fl = td::sse::flush_batched(events, {});
  REQUIRE(fl->frames.size() == 2);
  CHECK(fl->max_id == 4);

  std::string out;
  auto n = td::sse::render(*fl, {}, 0, out);
  CHECK(n.frames == 2);
  CHECK(n.events == 4);
  auto msgs = parse_body(out);
  REQUIRE(msgs.size() == 2);
  // B(2) comes first (lower max id) but may not carry an id: A still holds 1.
  CHECK(msgs[0].event == "audio-ready");
  CHECK_FALSE(msgs[0].id.has_value());
  CHECK(msgs[1].event == "report-updated");
  REQUIRE(msgs[1].id.has_value());
  CHECK(*msgs[1].id == "4");
  auto j = nlohmann::json::parse(msgs[1].data);
  CHECK(j["variants"] == nlohmann::json::array({"comprehensive", "key-insights", "bullet-points"}));
  CHECK(j["ids"] == nlohmann::json::array({1, 3, 4}));
  CHECK(j["count"] == 3);
  CHECK(j["revisions"] == nlohmann::json::array({1, 2}));
  CHECK(j["video_id"] == "yt:A");
  CHECK(j["at"] == td::sse::format_time(events[3].at));

  // A client that only follows yt:B may take id 2: nothing it receives is lower.
  std::string only_b;
  td::sse::Filter fb;
  fb.video_id = "yt:B";
  td::sse::render(*fl, fb, 0, only_b);
  auto mb = parse_body(only_b);
  REQUIRE(mb.size() == 1);
  CHECK(mb[0].id == std::optional<std::string>("2"));
}

TEST_CASE("render skips frames at or below the resume id and filters by type") {
  std::vector<Event> events{ev(5, "a", "v"), ev(6, "b", "v"), ev(7, "a", "w")};
  auto fl = td::sse::flush_unbatched(events);
  std::string out;
  td::sse::Filter f;
  f.types = {"a"};
  auto n = td::sse::render(*fl, f, 5, out);
  CHECK(n.frames == 1);
  CHECK(out.rfind("id: 7\n", 0) == 0);
}

TEST_CASE("merged fields read naturally: lists are joined, plurals keep their names") {
  // Ingest's report-updated lists the variants it queued; summarize's name one each.
  std::vector<Event> events{
      ev(1, "report-updated", "yt:A",
         {{"stage", "ingested"}, {"variants", {"comprehensive", "audio"}}, {"words", 278}}),
      ev(2, "report-updated", "yt:A", {{"stage", "summarized"}, {"variant", "comprehensive"}, {"word_count", 80}}),
      ev(3, "report-updated", "yt:A", {{"stage", "summarized"}, {"variant", "key-insights"}, {"word_count", 85}})};
  auto fl = td::sse::flush_batched(events, {});
  REQUIRE(fl->frames.size() == 1);
  std::string out;
  td::sse::render(*fl, {}, 0, out);
  auto msgs = parse_body(out);
  REQUIRE(msgs.size() == 1);
  auto j = nlohmann::json::parse(msgs[0].data);
  CHECK(j["variants"] == nlohmann::json::array({"comprehensive", "audio", "key-insights"}));
  CHECK(j["stages"] == nlohmann::json::array({"ingested", "summarized"}));
  CHECK(j["word_counts"] == nlohmann::json::array({80, 85}));
  CHECK(j["words"] == 278);  // only one event had it
  CHECK_FALSE(j.contains("variantss"));
  CHECK_FALSE(j.contains("wordss"));
}
