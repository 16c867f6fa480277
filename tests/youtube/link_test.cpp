#include <doctest/doctest.h>

#include <string>

#include "common/errors.h"
#include "youtube/link.h"

using td::youtube::canonical_key;
using td::youtube::parse_video_id;

namespace {

std::string rejection(const std::string& link) {
  try {
    parse_video_id(link);
  } catch (const td::PermanentError& e) {
    CHECK(e.reason() == "bad_link");
    return e.what();
  }
  FAIL("accepted '" << link << "'");
  return "";
}

}  // namespace

TEST_CASE("every form people paste gives the canonical key") {
  const char* forms[] = {
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
      "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
      "https://youtube.com/watch?v=dQw4w9WgXcQ",
      "www.youtube.com/watch?v=dQw4w9WgXcQ",
      "youtube.com/watch?v=dQw4w9WgXcQ",
      "HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ",
      "https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share",
      "https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RDAMVMdQw4w9WgXcQ",
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
      "https://www.youtube.com/watch?t=42&v=dQw4w9WgXcQ",
      "https://www.youtube.com/watch?app=desktop&v=dQw4w9WgXcQ&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG&index=3",
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ#t=1m2s",
      "https://youtu.be/dQw4w9WgXcQ",
      "https://youtu.be/dQw4w9WgXcQ?si=Yh1Lm0Gz4a9HQ2xE",
      "https://youtu.be/dQw4w9WgXcQ?t=10&si=abc",
      "youtu.be/dQw4w9WgXcQ",
      "https://www.youtube.com/shorts/dQw4w9WgXcQ",
      "https://youtube.com/shorts/dQw4w9WgXcQ?si=Xy12",
      "https://www.youtube.com/live/dQw4w9WgXcQ?si=abc&t=100",
      "https://www.youtube.com/embed/dQw4w9WgXcQ?start=30&autoplay=1",
      "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
      "youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0",
      "https://www.youtube.com/v/dQw4w9WgXcQ?version=3",
      "https://www.youtube.com/e/dQw4w9WgXcQ",
      "https://www.youtube.com:443/watch?v=dQw4w9WgXcQ",
      "  https://youtu.be/dQw4w9WgXcQ\n",
      "<https://youtu.be/dQw4w9WgXcQ>",
      "dQw4w9WgXcQ",
      "yt:dQw4w9WgXcQ",
  };
  for (auto* form : forms) {
    CAPTURE(form);
    CHECK(canonical_key(form) == "yt:dQw4w9WgXcQ");
  }
}

TEST_CASE("ids keep their case and may contain - and _") {
  CHECK(parse_video_id("https://youtu.be/a-B_c1D2e3F") == "a-B_c1D2e3F");
  CHECK(parse_video_id("_-_-_-_-_-_") == "_-_-_-_-_-_");
  CHECK(parse_video_id("https://www.youtube.com/shorts/Ab3_9zZ-xYq/") == "Ab3_9zZ-xYq");
}

TEST_CASE("playlist-only links are refused, never guessed") {
  CHECK(rejection("https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG").find("playlist") !=
        std::string::npos);
  CHECK(rejection("https://www.youtube.com/watch?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG").find("playlist") !=
        std::string::npos);
  CHECK(
      rejection("https://www.youtube.com/embed/videoseries?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG").find("playlist") !=
      std::string::npos);
}

TEST_CASE("channel links are refused") {
  for (auto* link :
       {"https://www.youtube.com/@kurzgesagt", "https://www.youtube.com/@kurzgesagt/videos",
        "https://www.youtube.com/channel/UCsXVk37bltHxD1rDPwtNM8Q", "https://www.youtube.com/c/inanutshell",
        "https://www.youtube.com/user/Kurzgesagt", "youtube.com/@handle"}) {
    CAPTURE(link);
    CHECK(rejection(link).find("channel") != std::string::npos);
  }
}

TEST_CASE("other sites and look-alike hosts are refused") {
  for (auto* link :
       {"https://vimeo.com/76979871", "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", "https://notyoutube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com@evil.example/watch?v=dQw4w9WgXcQ", "ftp://youtube.com/watch?v=dQw4w9WgXcQ"}) {
    CAPTURE(link);
    rejection(link);
  }
  CHECK(rejection("https://vimeo.com/76979871").find("vimeo.com") != std::string::npos);
}

TEST_CASE("bad ids are refused with the reason") {
  for (auto* link : {"", "   ", "dQw4w9WgXc", "dQw4w9WgXcQQ", "dQw4w9WgXc!", "yt:", "yt:short", "yt:dQw4w9WgXcQx",
                     "https://www.youtube.com/watch?v=dQw4w9WgXc", "https://www.youtube.com/watch?v=dQw4w9WgXcQxyz",
                     "https://www.youtube.com/watch?v=", "https://youtu.be/", "https://youtu.be/dQw4w9WgX%63Q",
                     "https://www.youtube.com/shorts/", "https://www.youtube.com/watch", "https://www.youtube.com/",
                     "https://www.youtube.com/feed/subscriptions", "hello world"}) {
    CAPTURE(link);
    rejection(link);
  }
  CHECK(rejection("https://www.youtube.com/watch?v=dQw4w9WgXcQxyz").find("11 characters") != std::string::npos);
}

TEST_CASE("the watch url is what yt-dlp gets") {
  CHECK(td::youtube::watch_url("dQw4w9WgXcQ") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
}

TEST_CASE("video keys: yt:<id> is made, recognised and taken apart in one place") {
  using namespace td::youtube;
  CHECK(video_key("dQw4w9WgXcQ") == "yt:dQw4w9WgXcQ");
  CHECK(is_video_key("yt:dQw4w9WgXcQ"));
  CHECK_FALSE(is_video_key("dQw4w9WgXcQ"));     // a bare id is a link form, not a key
  CHECK_FALSE(is_video_key("yt:dQw4w9WgXc"));   // 10 characters
  CHECK_FALSE(is_video_key("YT:dQw4w9WgXcQ"));  // keys are written one way
  CHECK_FALSE(is_video_key("yt:dQw4w9WgXc!"));
  CHECK(id_of_key("yt:dQw4w9WgXcQ") == "dQw4w9WgXcQ");
  CHECK_THROWS_AS(id_of_key("https://youtu.be/dQw4w9WgXcQ"), td::PermanentError);
  CHECK(id_of_key(canonical_key("https://youtu.be/dQw4w9WgXcQ?t=3")) == "dQw4w9WgXcQ");
}
