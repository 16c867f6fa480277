#include "tts/hash.h"

#include "common/hash.h"

namespace td::tts {

std::string reuse_hash(std::string_view script, std::string_view engine, std::string_view voice,
                       std::string_view rate) {
  std::string input = "tubedigest-tts-reuse-v1\n";
  for (std::string_view field : {engine, voice, rate, script}) {
    input += std::to_string(field.size());
    input += ':';
    input += field;
    input += '\n';
  }
  return td::sha256_hex(input);
}

}  // namespace td::tts
