// multipart/form-data bodies (RFC 7578) for the Bot API's uploads
// (sendAudio, sendDocument): text fields, then one file part, each framed by
// CRLFs, with a random boundary that occurs in none of the contents.
#pragma once

#include <map>
#include <string>

namespace td::telegram {

struct MultipartBody {
  std::string content_type;  // "multipart/form-data; boundary=..."
  std::string body;
};

// Names and the file name go into quoted-string parameters: '"', CR and LF
// are percent-encoded there (RFC 7578 4.2), everything else, UTF-8
// included, is sent as it is.
MultipartBody build_multipart(const std::map<std::string, std::string>& fields, const std::string& file_field,
                              const std::string& file_name, const std::string& content_type, const std::string& bytes);

}  // namespace td::telegram
