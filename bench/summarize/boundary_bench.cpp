// boundary_bench: how well td::summarize::clean_transcript() restores the
// sentence boundaries (and capitals) of captions. It runs on the
// real public-domain speeches in tests/speeches, read aloud by the caption
// generator in tests/support/captions.h (its timing model is documented
// there). For each speech, four inputs go through clean_transcript:
//   pasted text   the punctuated original as SummaryInput::text (no segments)
//   manual VTT    the uploaded-captions track, parsed by td::youtube::parse_webvtt
//   auto VTT      YouTube's automatic rolling WebVTT, parsed by parse_webvtt
//   auto json3    the same as json3, parsed by parse_json3
// Segments become SummaryInput segments: start_seconds = start_ms / 1000,
// word_starts = word_ms / 1000. The duration is the end of the last word.
//
// Scoring. A returned word predicts a sentence end when its text, closing
// quotes and brackets taken off, ends in . ! ? or …. Abbreviations and
// initials ("Mr.", "M.") do not count, as in make_units. Returned words are
// aligned with the spoken words of the original (longest common subsequence
// of the lowercased, punctuation-stripped forms), because the cleaner drops
// fillers, tags and repeated words ("that that"). Then, per speech and
// track:
//   precision  predicted ends that are true ends (an unaligned prediction is false)
//   recall     true ends predicted (a true end whose word was lost is missed)
//   F1         their harmonic mean
//   capitals kept    of the words capitalized in the original that are neither
//                    sentence-initial nor clause-initial (after a colon, opening
//                    a quotation): proper nouns, "I", "Loi". The share that
//                    comes back with a capital.
//   lowercase kept   of the words in lower case in the original (same
//                    exclusions), the share that comes back in lower case
//   starts capitalized  of the sentence-initial words, the share that comes back capitalized
// Totals add the counts over all speeches (micro-averages). The figures are
// deterministic: the tracks are seeded per speech (td::test::seed_for).
//
// Usage: boundary_bench [--json] [--noise] [--speeches DIR] [--write-tracks DIR]
//   --noise         the tracks carry fillers and [Music]-style tags (off by default)
//   --write-tracks  also writes each speech's tracks under DIR/<lang>_<name>/
//   --database-url  accepted and ignored (scripts/bench.sh passes it to every bench)
// With --json the last line is one JSON object.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "summarize/units.h"
#include "support/captions.h"
#include "youtube/subtitles.h"

namespace {

using td::test::CaptionTrack;
using td::test::CaptionWord;

struct Scores {
  long truth_words = 0, returned_words = 0, aligned = 0;
  long sentences = 0, predicted = 0;
  long tp = 0, fp = 0, fn = 0;
  long caps_total = 0, caps_kept = 0, lower_total = 0, lower_kept = 0, starts_total = 0, starts_kept = 0;
  std::string error;  // when the track could not be parsed

  void add(const Scores& o) {
    truth_words += o.truth_words;
    returned_words += o.returned_words;
    aligned += o.aligned;
    sentences += o.sentences;
    predicted += o.predicted;
    tp += o.tp;
    fp += o.fp;
    fn += o.fn;
    caps_total += o.caps_total;
    caps_kept += o.caps_kept;
    lower_total += o.lower_total;
    lower_kept += o.lower_kept;
    starts_total += o.starts_total;
    starts_kept += o.starts_kept;
  }
  // -1 when undefined (nothing to divide by).
  static double ratio(long a, long b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : -1; }
  double precision() const { return ratio(tp, tp + fp); }
  double recall() const { return ratio(tp, tp + fn); }
  double f1() const {
    double p = precision(), r = recall();
    if (p < 0 || r < 0 || p + r == 0) return p == 0 || r == 0 ? 0 : -1;
    return 2 * p * r / (p + r);
  }
};

struct Returned {
  std::string key;  // spoken form: what the alignment compares
  bool end = false;
  int letter_case = 0;
};

// The cleaner's words as the ground truth's words: a word that holds two
// ("forward--and") is split the same way the generator split the text.
std::vector<Returned> returned_words(const td::summarize::CleanTranscript& clean) {
  std::vector<Returned> out;
  for (auto& w : clean.words) {
    for (auto& piece : td::test::text_tokens(w.text)) {
      auto key = td::test::spoken_form(piece.written);
      if (key.empty()) continue;
      out.push_back({key, td::test::ends_with_terminal(piece.written), td::test::letter_case(piece.written)});
    }
  }
  return out;
}

// Longest common subsequence of two key sequences: the aligned index pairs, in order.
std::vector<std::pair<size_t, size_t>> align(const std::vector<int>& a, const std::vector<int>& b) {
  size_t n = a.size(), m = b.size();
  std::vector<uint16_t> table((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint16_t& { return table[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      at(i, j) = a[i] == b[j] ? static_cast<uint16_t>(at(i + 1, j + 1) + 1) : std::max(at(i + 1, j), at(i, j + 1));
  std::vector<std::pair<size_t, size_t>> pairs;
  size_t i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] == b[j]) pairs.push_back({i++, j++});
    else if (at(i + 1, j) >= at(i, j + 1)) ++i;
    else ++j;
  }
  return pairs;
}

Scores score(const std::vector<CaptionWord>& truth, const td::summarize::CleanTranscript& clean) {
  auto returned = returned_words(clean);
  std::unordered_map<std::string, int> ids;
  auto id = [&](const std::string& key) { return ids.emplace(key, static_cast<int>(ids.size())).first->second; };
  std::vector<int> a, b;
  for (auto& w : truth) a.push_back(id(w.spoken));
  for (auto& r : returned) b.push_back(id(r.key));
  auto pairs = align(a, b);

  Scores s;
  s.truth_words = static_cast<long>(truth.size());
  s.returned_words = static_cast<long>(returned.size());
  s.aligned = static_cast<long>(pairs.size());
  std::vector<bool> truth_aligned(truth.size(), false), returned_aligned(returned.size(), false);
  for (auto [i, j] : pairs) {
    truth_aligned[i] = returned_aligned[j] = true;
    const auto& t = truth[i];
    const auto& r = returned[j];
    if (t.sentence_end && r.end) ++s.tp;
    else if (r.end) ++s.fp;
    else if (t.sentence_end) ++s.fn;
    int original = td::test::letter_case(t.written);
    if (original == 0) continue;  // figures: no case to keep
    if (t.sentence_initial) {
      ++s.starts_total;
      s.starts_kept += r.letter_case > 0;
    } else if (!t.clause_initial) {
      if (t.capitalized) {
        ++s.caps_total;
        s.caps_kept += r.letter_case > 0;
      } else {
        ++s.lower_total;
        s.lower_kept += r.letter_case < 0;
      }
    }
  }
  for (size_t i = 0; i < truth.size(); ++i) {
    s.sentences += truth[i].sentence_end;
    if (!truth_aligned[i] && truth[i].sentence_end) ++s.fn;
  }
  for (size_t j = 0; j < returned.size(); ++j) {
    s.predicted += returned[j].end;
    if (!returned_aligned[j] && returned[j].end) ++s.fp;
  }
  return s;
}

td::summarize::SummaryInput input_from(const std::vector<td::youtube::Segment>& segs, const std::string& language,
                                       int duration) {
  td::summarize::SummaryInput in;
  in.transcript_language = language;
  in.duration_seconds = duration;
  for (auto& seg : segs) {
    td::summarize::Segment s;
    s.start_seconds = static_cast<double>(seg.start_ms) / 1000.0;
    s.text = seg.text;
    for (int64_t ms : seg.word_ms) s.word_starts.push_back(static_cast<double>(ms) / 1000.0);
    in.segments.push_back(std::move(s));
  }
  return in;
}

std::string percent(double v) {
  if (v < 0) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", v * 100);
  return buf;
}

std::string thousands(long v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

nlohmann::json figure(double v) {
  return v < 0 ? nlohmann::json(nullptr) : nlohmann::json(std::round(v * 10000) / 10000);
}

nlohmann::json to_json(const Scores& s) {
  nlohmann::json j = {{"words", s.truth_words},
                      {"returned_words", s.returned_words},
                      {"aligned_words", s.aligned},
                      {"sentences", s.sentences},
                      {"predicted_ends", s.predicted},
                      {"true_positives", s.tp},
                      {"false_positives", s.fp},
                      {"false_negatives", s.fn},
                      {"precision", figure(s.precision())},
                      {"recall", figure(s.recall())},
                      {"f1", figure(s.f1())},
                      {"capitals_kept", figure(Scores::ratio(s.caps_kept, s.caps_total))},
                      {"capitals_total", s.caps_total},
                      {"lowercase_kept", figure(Scores::ratio(s.lower_kept, s.lower_total))},
                      {"lowercase_total", s.lower_total},
                      {"starts_capitalized", figure(Scores::ratio(s.starts_kept, s.starts_total))}};
  if (!s.error.empty()) j["error"] = s.error;
  return j;
}

// The timing the generator gave a speech (the model's numbers, measured back).
struct Timing {
  double minutes = 0, wpm = 0;
  double short_sentence_ends = 0, long_plain_gaps = 0, sentence_pause = 0, comma_pause = 0;
};

Timing timing_of(const CaptionTrack& t) {
  auto words = t.text_words();
  std::vector<double> sentence, comma, plain;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const auto& w = words[i];
    if (w.paragraph_end) continue;
    double gap = static_cast<double>(words[i + 1].start_ms - w.end_ms) / 1000.0;
    std::string lowered = w.written;
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (w.sentence_end) sentence.push_back(gap);
    else if (w.written.ends_with(",")) comma.push_back(gap);
    else if (lowered == w.spoken && !words[i + 1].clause_initial) plain.push_back(gap);
  }
  auto median = [](std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  auto share = [](const std::vector<double>& v, bool below, double x) {
    if (v.empty()) return 0.0;
    auto n = std::count_if(v.begin(), v.end(), [&](double g) { return below ? g < x : g >= x; });
    return static_cast<double>(n) / static_cast<double>(v.size());
  };
  Timing out;
  out.minutes = static_cast<double>(t.duration_ms) / 60000.0;
  out.wpm = t.words_per_minute;
  out.short_sentence_ends = share(sentence, true, 0.3);
  out.long_plain_gaps = share(plain, false, 0.3);
  out.sentence_pause = median(sentence);
  out.comma_pause = median(comma);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  bool as_json = false, noise = false;
  std::string speeches_dir, write_dir;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--json")) as_json = true;
    else if (!std::strcmp(argv[i], "--noise")) noise = true;
    else if (!std::strcmp(argv[i], "--speeches") && i + 1 < argc) speeches_dir = argv[++i];
    else if (!std::strcmp(argv[i], "--write-tracks") && i + 1 < argc) write_dir = argv[++i];
    else if (!std::strcmp(argv[i], "--database-url") && i + 1 < argc) ++i;  // not needed
    else {
      std::cerr << "usage: boundary_bench [--json] [--noise] [--speeches DIR] [--write-tracks DIR]\n";
      return 2;
    }
  }
  std::vector<td::test::Speech> speeches;
  try {
    speeches = td::test::load_speeches(speeches_dir);
  } catch (const std::exception& e) {
    std::cerr << "boundary_bench: " << e.what() << "\n";
    return 1;
  }

  const std::vector<std::string> tracks = {"pasted text", "manual VTT", "auto VTT", "auto json3"};
  std::map<std::string, Scores> totals;
  nlohmann::json result = {{"bench", "sentence_boundaries"}, {"noise", noise}, {"speeches", nlohmann::json::array()}};
  std::string rows, timing_rows;
  for (auto& speech : speeches) {
    td::test::CaptionOptions options;
    options.seed = td::test::seed_for(speech.name);
    options.noise = noise;
    auto track = td::test::make_track(speech.text, speech.language, options);
    if (!write_dir.empty()) {
      std::string folder = speech.name;
      std::replace(folder.begin(), folder.end(), '/', '_');
      td::test::write_tracks(track, write_dir + "/" + folder);
    }
    auto truth = track.text_words();
    const std::string& lang = speech.language;
    int duration = static_cast<int>(std::ceil(static_cast<double>(track.duration_ms) / 1000.0));
    nlohmann::json per = {{"name", speech.name}, {"language", lang}, {"tracks", nlohmann::json::object()}};

    for (auto& name : tracks) {
      Scores s;
      try {
        td::summarize::SummaryInput in;
        if (name == "pasted text") {
          in.text = speech.text;
          in.transcript_language = lang;
          in.duration_seconds = duration;
        } else if (name == "manual VTT") {
          in = input_from(td::youtube::parse_webvtt(td::test::manual_vtt(track)), lang, duration);
        } else if (name == "auto VTT") {
          in = input_from(td::youtube::parse_webvtt(td::test::auto_vtt(track)), lang, duration);
        } else {
          in = input_from(td::youtube::parse_json3(td::test::auto_json3(track)), lang, duration);
        }
        s = score(truth, td::summarize::clean_transcript(in, lang, duration));
      } catch (const std::exception& e) {
        s = Scores{};
        s.error = e.what();
      }
      totals[name].add(s);
      per["tracks"][name] = to_json(s);
      rows += "| " + speech.name + " | " + thousands(s.truth_words) + " | " + thousands(s.sentences) + " | " + name +
              " | " + (s.error.empty() ? percent(s.precision()) : "error: " + s.error) + " | " + percent(s.recall()) +
              " | " + percent(s.f1()) + " | " + percent(Scores::ratio(s.caps_kept, s.caps_total)) + " | " +
              percent(Scores::ratio(s.lower_kept, s.lower_total)) + " | " +
              percent(Scores::ratio(s.starts_kept, s.starts_total)) + " |\n";
    }
    auto tm = timing_of(track);
    char buf[256];
    std::snprintf(buf, sizeof buf, "| %s | %s | %.1f min | %.0f | %s | %s | %.2f s | %.2f s |\n", speech.name.c_str(),
                  thousands(static_cast<long>(truth.size())).c_str(), tm.minutes, tm.wpm,
                  percent(tm.short_sentence_ends).c_str(), percent(tm.long_plain_gaps).c_str(), tm.sentence_pause,
                  tm.comma_pause);
    timing_rows += buf;
    per["generated"] = {{"words", truth.size()},
                        {"minutes", std::round(tm.minutes * 100) / 100},
                        {"words_per_minute", std::round(tm.wpm * 10) / 10},
                        {"sentence_ends_paused_under_300ms", figure(tm.short_sentence_ends)},
                        {"plain_gaps_paused_300ms_or_more", figure(tm.long_plain_gaps)},
                        {"median_sentence_end_pause_s", std::round(tm.sentence_pause * 1000) / 1000},
                        {"median_comma_pause_s", std::round(tm.comma_pause * 1000) / 1000}};
    result["speeches"].push_back(per);
  }

  result["totals"] = nlohmann::json::object();
  std::string total_rows;
  for (auto& name : tracks) {
    const auto& s = totals[name];
    result["totals"][name] = to_json(s);
    total_rows += "| " + name + " | " + thousands(s.truth_words) + " | " + thousands(s.sentences) + " | " +
                  thousands(s.predicted) + " | " + percent(s.precision()) + " | " + percent(s.recall()) + " | **" +
                  percent(s.f1()) + "** | " + percent(Scores::ratio(s.caps_kept, s.caps_total)) + " | " +
                  percent(Scores::ratio(s.lower_kept, s.lower_total)) + " | " +
                  percent(Scores::ratio(s.starts_kept, s.starts_total)) + " |\n";
  }

  if (!as_json) {
    std::cout << "## Sentence boundaries: clean_transcript() against the punctuated original"
              << (noise ? " (tracks with fillers and tags)" : "") << "\n\n"
              << "Totals over " << speeches.size() << " speeches:\n\n"
              << "| track | words | sentences | predicted ends | precision | recall | F1 | capitals kept | "
                 "lowercase kept | starts capitalized |\n"
              << "|---|---|---|---|---|---|---|---|---|---|\n"
              << total_rows << "\nPer speech:\n\n"
              << "| speech | words | sentences | track | precision | recall | F1 | capitals kept | lowercase kept | "
                 "starts capitalized |\n"
              << "|---|---|---|---|---|---|---|---|---|---|\n"
              << rows << "\nThe generated tracks (timing model: tests/support/captions.h):\n\n"
              << "| speech | words | duration | words/min | sentence ends paused < 0.3 s | plain gaps paused ≥ 0.3 s | "
                 "median sentence-end pause | median comma pause |\n"
              << "|---|---|---|---|---|---|---|---|\n"
              << timing_rows << "\n";
  }
  std::cout << result.dump() << "\n";
  return 0;
}
