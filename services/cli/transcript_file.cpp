#include "files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "youtube/utf8.h"

namespace td::cli {

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw std::invalid_argument("--transcript-file " + path + ": " + why);
}

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

struct Fd {
  int fd;
  ~Fd() { ::close(fd); }
};

}  // namespace

std::string read_transcript_file(const std::string& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  int raw = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (raw < 0) refuse(path, std::strerror(errno));
  Fd f{raw};
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) refuse(path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) refuse(path, std::string("is ") + kind_of(st.st_mode) + ", not a regular file");
  const std::string limit = " (the limit is " + std::to_string(max_bytes) + " bytes, as for the API)";
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    refuse(path, "is " + std::to_string(st.st_size) + " bytes" + limit);
  // Read at most one byte past the limit, whatever the size said: the file
  // may grow while it is read.
  std::string text(max_bytes + 1, '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(f.fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) refuse(path, std::strerror(errno));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > max_bytes) refuse(path, "is longer than " + std::to_string(max_bytes) + " bytes" + limit);
  text.resize(got);
  if (text.find_first_not_of(" \t\r\n\f\v") == std::string::npos)
    refuse(path, text.empty() ? "is empty" : "holds only whitespace");
  if (auto nul = text.find('\0'); nul != std::string::npos)
    refuse(path, "has a NUL byte at offset " + std::to_string(nul) + " (not a text file?)");
  if (auto bad = youtube::utf8::first_invalid(text); bad != std::string::npos)
    refuse(path, "is not valid UTF-8 (bad byte at offset " + std::to_string(bad) + ")");
  return text;
}

}  // namespace td::cli
