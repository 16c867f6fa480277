#include "telegram/multipart.h"

#include <random>

namespace td::telegram {

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "%22";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out + "\"";
}

std::string random_boundary() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string b = "tubedigest-";
  for (int i = 0; i < 32; ++i) b += hex[rng() & 15];
  return b;
}

}  // namespace

MultipartBody build_multipart(const std::map<std::string, std::string>& fields, const std::string& file_field,
                              const std::string& file_name, const std::string& content_type, const std::string& bytes) {
  // 128 random bits make a collision with real content all but impossible;
  // the check makes it impossible, at the price of a scan of each part.
  std::string boundary;
  auto clashes = [&](const std::string& b) {
    if (bytes.find(b) != std::string::npos) return true;
    for (const auto& [name, value] : fields)
      if (value.find(b) != std::string::npos) return true;
    return false;
  };
  do boundary = random_boundary();
  while (clashes(boundary));

  std::string body;
  size_t size = bytes.size() + 256;
  for (const auto& [name, value] : fields) size += name.size() + value.size() + 96;
  body.reserve(size);
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=" + quoted(name) + "\r\n\r\n";
    body += value;
    body += "\r\n";
  }
  body += "--" + boundary + "\r\n";
  body += "Content-Disposition: form-data; name=" + quoted(file_field) + "; filename=" + quoted(file_name) + "\r\n";
  body +=
      "Content-Type: " + (content_type.empty() ? std::string("application/octet-stream") : content_type) + "\r\n\r\n";
  body += bytes;
  body += "\r\n--" + boundary + "--\r\n";
  return {"multipart/form-data; boundary=" + boundary, std::move(body)};
}

}  // namespace td::telegram
