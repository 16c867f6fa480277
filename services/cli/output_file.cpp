#include "files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace td::cli {

namespace {

[[noreturn]] void fail(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

// Writes all of `bytes` to fd; returns 0 or the errno of the failed write.
int write_all(int fd, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    off += static_cast<size_t>(n);
  }
  return 0;
}

// Through a temporary file and a rename, so PATH is either the whole file or
// untouched (a player never opens half a file).
void write_atomically(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail(errno, "cannot create " + tmp);
  if (int e = write_all(fd, bytes)) {
    ::close(fd);
    ::unlink(tmp.c_str());
    fail(e, "cannot write " + tmp);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    fail(e, "cannot write " + path);
  }
}

// Devices, FIFOs and symlinks: the entry stays what it is; a symlink to a
// regular file gets that file truncated and rewritten.
void write_in_place(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(errno, "cannot open " + path);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::ftruncate(fd, 0) != 0) {
    int e = errno;
    ::close(fd);
    fail(e, "cannot truncate " + path);
  }
  int e = write_all(fd, bytes);
  if (::close(fd) != 0 && e == 0) e = errno;
  if (e) fail(e, "cannot write " + path);
}

}  // namespace

void write_output(const std::string& path, const std::string& bytes) {
  if (path == "-") {
    if (int e = write_all(STDOUT_FILENO, bytes)) fail(e, "cannot write standard output");
    return;
  }
  // lstat, not stat: /dev/stdout is a symlink whose target may be a regular
  // file, and renaming over the link would replace it.
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) fail(errno, "cannot write " + path);
    return write_atomically(path, bytes);
  }
  if (S_ISREG(st.st_mode)) return write_atomically(path, bytes);
  if (S_ISDIR(st.st_mode)) fail(EISDIR, "cannot write " + path);
  write_in_place(path, bytes);
}

}  // namespace td::cli
