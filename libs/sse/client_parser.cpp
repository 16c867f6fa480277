#include "sse/client_parser.h"

#include <algorithm>
#include <cctype>

namespace td::sse {

bool SseResponseParser::feed(const char* data, size_t n, std::vector<SseMessage>& out) {
  if (!error_.empty()) return false;
  buf_.append(data, n);
  if (!head_done_) {
    auto end = buf_.find("\r\n\r\n");
    if (end == std::string::npos) return true;
    std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    size_t pos = head.find("\r\n");
    std::string status_line = head.substr(0, pos);
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
      error_ = "bad status line: " + status_line;
      return false;
    }
    status_ = std::stoi(status_line.substr(9, 3));
    while (pos != std::string::npos) {
      size_t next = head.find("\r\n", pos + 2);
      std::string h = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      auto colon = h.find(':');
      if (colon != std::string::npos) {
        std::string k = h.substr(0, colon), v = h.substr(colon + 1);
        std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
        while (!v.empty() && v.front() == ' ') v.erase(0, 1);
        headers_[k] = v;
      }
      pos = next;
    }
    head_done_ = true;
    auto te = headers_.find("transfer-encoding");
    chunked_ = te != headers_.end() && te->second.find("chunked") != std::string::npos;
  }
  if (!chunked_) {
    plain_ += buf_;
    buf_.clear();
    return true;
  }
  // De-chunk what we have.
  size_t i = 0;
  while (i < buf_.size() && !finished_) {
    if (cstate_ == CState::Size || cstate_ == CState::DataEnd || cstate_ == CState::Trailer) {
      auto eol = buf_.find("\r\n", i);
      if (eol == std::string::npos) break;
      std::string line = buf_.substr(i, eol - i);
      i = eol + 2;
      if (cstate_ == CState::DataEnd) {
        if (!line.empty()) {
          error_ = "missing CRLF after chunk";
          return false;
        }
        cstate_ = CState::Size;
      } else if (cstate_ == CState::Trailer) {
        if (line.empty()) finished_ = true;
      } else {
        size_t size = 0;
        try {
          size = std::stoul(line, nullptr, 16);
        } catch (...) {
          error_ = "bad chunk size: " + line;
          return false;
        }
        if (size == 0) cstate_ = CState::Trailer;
        else {
          chunk_left_ = size;
          cstate_ = CState::Data;
        }
      }
    } else {
      size_t take = std::min(chunk_left_, buf_.size() - i);
      on_body_bytes(buf_.data() + i, take, out);
      i += take;
      chunk_left_ -= take;
      if (chunk_left_ == 0) cstate_ = CState::DataEnd;
    }
  }
  buf_.erase(0, i);
  return true;
}

void SseResponseParser::on_body_bytes(const char* p, size_t n, std::vector<SseMessage>& out) {
  for (size_t k = 0; k < n; ++k) {
    char c = p[k];
    if (c == '\n') {
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      on_line(line_, out);
      line_.clear();
    } else {
      line_ += c;
    }
  }
}

void SseResponseParser::on_line(const std::string& line, std::vector<SseMessage>& out) {
  if (line.empty()) {  // dispatch
    if (cur_any_) out.push_back(std::move(cur_));
    cur_ = SseMessage{};
    cur_any_ = false;
    return;
  }
  cur_any_ = true;
  if (line[0] == ':') {
    cur_.comments.push_back(line.size() > 1 && line[1] == ' ' ? line.substr(2) : line.substr(1));
    return;
  }
  auto colon = line.find(':');
  std::string field = line.substr(0, colon), value;
  if (colon != std::string::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
  }
  if (field == "id") cur_.id = value;
  else if (field == "event") cur_.event = value;
  else if (field == "data") cur_.data += (cur_.data.empty() ? "" : "\n") + value;
  else if (field == "retry") {
    try {
      cur_.retry = std::stol(value);
    } catch (...) {
    }
  }
}

}  // namespace td::sse
