// Sentence scoring and selection for the extractive summarizer.
//
// Relevance is TF-IDF centrality: each unit's cosine similarity to the
// centroid of all units (IDF over units as documents), scaled down for very
// short units and questions and up for units sharing the video title's
// words. Selection is MMR (relevance minus similarity to what is already
// chosen) run round-robin over equal time sections, so the summary covers
// the whole video rather than its densest minutes. Linear in the number of
// units per pick: a 3-hour transcript selects in milliseconds.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "summarize/units.h"

namespace td::summarize {

class Analysis {
 public:
  Analysis(const std::vector<Unit>& units, const std::string& language, const std::string& title);

  size_t size() const { return vectors_.size(); }
  double relevance(size_t i) const { return relevance_[i]; }
  double similarity(size_t i, size_t j) const;
  // IDF of a token's term; 0 for stopwords and unseen terms.
  double weight(const std::string& token) const;
  const std::string& language() const { return language_; }

 private:
  using Sparse = std::vector<std::pair<int, float>>;
  std::string language_;
  std::unordered_map<std::string, int> ids_;
  std::vector<double> idf_;
  std::vector<Sparse> vectors_;
  std::vector<double> relevance_;
};

struct SelectOptions {
  int max_count = 0;                     // stop after this many units (0 = no limit)
  int target_words = 0;                  // stop once this many words are chosen (0 = no limit)
  int max_words = 0;                     // never exceed (0 = no limit)
  int sections = 6;                      // time sections covered round-robin
  double duration = 0;                   // seconds spanned by the units
  double lambda = 0.7;                   // MMR trade-off: 1 = relevance only
  double redundancy = 0.5;               // a unit this similar to a chosen one is skipped
  std::function<bool(size_t)> eligible;  // optional filter
};

// Indices of the chosen units in transcript order.
std::vector<size_t> select_units(const std::vector<Unit>& units, const Analysis& analysis, const SelectOptions& o);

}  // namespace td::summarize
