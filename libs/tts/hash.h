// The reuse hash stored with an MP3 (its sha256 is td::sha256_hex, common/hash.h) that says
// whether a stored MP3 was made from the same script by the same engine,
// voice and rate (regenerate_audio=false reuses it when the hashes match).
#pragma once

#include <string>
#include <string_view>

#include "common/hash.h"
#include "tts/engine.h"

namespace td::tts {

// sha256 over a length-prefixed encoding of the four fields, so no two
// different tuples share an input ("ab"+"c" vs "a"+"bc").
std::string reuse_hash(std::string_view script, std::string_view engine, std::string_view voice, std::string_view rate);
inline std::string reuse_hash(std::string_view script, const SpeechPlan& plan) {
  return reuse_hash(script, plan.engine, plan.voice, plan.rate);
}

}  // namespace td::tts
