// Machine translation for the extractive summarizer's audio-fr / audio-es
// (and any text variant whose SUMMARY_LANGUAGE differs from the transcript).
// The seam lets tests and future engines replace Apertium.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace td::summarize {

struct Translation {
  std::vector<std::string> pieces;  // same count and order as the input
  std::string engine;               // "apertium eng-spa>es-fr": stored with the output
  // Per piece (same count and order as pieces when the engine reports them,
  // else empty): the words some step of the route could not translate and
  // passed through as they were. On a chained route such a word is in the
  // intermediate language (Spanish "viviente" in a French text), so callers
  // must not present it as a word of the output language.
  std::vector<std::vector<std::string>> unknown;
};

class Translator {
 public:
  virtual ~Translator() = default;
  // Throws td::PermanentError (reason "translator_missing" or "no_translation_route")
  // naming what to install or which provider to set when from->to cannot work.
  virtual void require(const std::string& from, const std::string& to) = 0;
  // Each piece is translated independently; line breaks inside a piece become
  // spaces. A piece that is empty, or that the engine translates to nothing
  // (Apertium drops a lone "shall": Spanish marks it on the verb), comes back
  // "": never the source text, which is not in the output language. Callers
  // leave such a piece out (the extractive summarizer drops a glossary term
  // that comes back empty).
  virtual Translation translate(const std::vector<std::string>& pieces, const std::string& from,
                                const std::string& to) = 0;
};

// Apertium through its command line (td::process::run, never a shell):
// `apertium -f none <mode>`, chaining modes when there is no direct one
// (English to French goes eng-spa then es-fr), one process per mode. Modes
// are read once from `apertium -l`. Pieces travel in Apertium's stream
// format, each closed by a superblank marker of its own, and the output is
// split on the markers, so a piece translated to nothing cannot shift the
// others; should a marker ever go missing, the pieces in doubt are
// translated again, one process each (a lone piece owns the whole output, so
// misalignment never fails a call). Unknown words come back marked (*, # or
// @ before the word); the marks are recorded in Translation::unknown and
// removed before the next mode, so the text matches `apertium -u` apart from
// elisions next to unknown words. Literal *, # and @ before a word in the
// input travel as their fullwidth forms so they are not taken for marks.
class ApertiumTranslator final : public Translator {
 public:
  explicit ApertiumTranslator(std::string program = "apertium");
  void require(const std::string& from, const std::string& to) override;
  Translation translate(const std::vector<std::string>& pieces, const std::string& from,
                        const std::string& to) override;
  // The mode names in order, e.g. {"eng-spa", "es-fr"}; nullopt when there is no route.
  std::optional<std::vector<std::string>> route(const std::string& from, const std::string& to);
  bool installed();

 private:
  void load_modes();
  // One process for `mode` over all pieces: each translated piece, or nullopt
  // where the output's markers do not say which text is that piece's.
  std::vector<std::optional<std::string>> run_mode(const std::string& mode, const std::vector<std::string>& pieces);
  std::string program_;
  std::once_flag loaded_;
  bool installed_ = false;
  std::vector<std::string> modes_;
};

// ISO 639-1 for Apertium's codes ("eng" -> "en", "spa" -> "es"); unknown ones unchanged.
std::string apertium_code_to_iso(const std::string& code);

}  // namespace td::summarize
