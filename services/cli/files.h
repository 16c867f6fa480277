// Files the CLI reads from or writes to on the user's say-so. Both check what
// the path is before touching it: a device, a FIFO or a directory named by
// mistake must neither hang the command, nor exhaust memory, nor be replaced.
#pragma once

#include <string>

namespace td::cli {

// Writes `bytes` to `path` (output_file.cpp):
//   "-"                           standard output;
//   absent, or a regular file     a temporary file beside it, then a rename,
//                                 so PATH is the whole file or untouched;
//   anything else (a device, a    opened and written in place, never renamed
//   FIFO, a symlink such as       over: `-o /dev/null` keeps /dev/null.
//   /dev/stdout)
// A directory is refused. Errors are std::system_error naming the path.
void write_output(const std::string& path, const std::string& bytes);

// The text of a --transcript-file (transcript_file.cpp), checked with the
// API's rules before anything is queued: a regular file (a FIFO is opened
// without blocking and refused, as are devices and directories) of at most
// `max_bytes` (read with that bound, whatever the file claims), not empty or
// only whitespace, without NUL bytes, valid UTF-8. Otherwise
// std::invalid_argument: "--transcript-file PATH: why" (with the byte offset
// for bad UTF-8).
std::string read_transcript_file(const std::string& path, size_t max_bytes);

}  // namespace td::cli
