#include "summarize/ranking.h"

#include <algorithm>
#include <cmath>

#include "summarize/text.h"

namespace td::summarize {

namespace {

bool usable_term(const std::string& key, const std::string& language) {
  if (key.size() < 3 && !(key.size() == 2 && std::isdigit(static_cast<unsigned char>(key[0])))) return false;
  return !is_stopword(key, language);
}

}  // namespace

Analysis::Analysis(const std::vector<Unit>& units, const std::string& language, const std::string& title)
    : language_(language) {
  std::vector<std::vector<int>> unit_terms(units.size());
  std::vector<int> df;
  for (size_t i = 0; i < units.size(); ++i) {
    for (auto& tok : units[i].tokens) {
      std::string key = term_key(tok, language);
      if (!usable_term(lower(strip_punct(tok)), language) || !usable_term(key, language)) continue;
      auto [it, inserted] = ids_.emplace(key, static_cast<int>(df.size()));
      if (inserted) df.push_back(0);
      unit_terms[i].push_back(it->second);
    }
    auto& t = unit_terms[i];
    std::sort(t.begin(), t.end());
    for (size_t k = 0; k < t.size(); ++k)
      if (k == 0 || t[k] != t[k - 1]) ++df[t[k]];
  }
  double n = static_cast<double>(std::max<size_t>(units.size(), 1));
  idf_.resize(df.size());
  for (size_t id = 0; id < df.size(); ++id) idf_[id] = std::log((n + 1) / (df[id] + 0.5));

  vectors_.resize(units.size());
  std::vector<double> centroid(df.size(), 0.0);
  for (size_t i = 0; i < units.size(); ++i) {
    auto& t = unit_terms[i];
    Sparse v;
    double norm = 0;
    for (size_t k = 0; k < t.size();) {
      size_t m = k;
      while (m < t.size() && t[m] == t[k]) ++m;
      double w = (1 + std::log(static_cast<double>(m - k))) * idf_[t[k]];
      v.emplace_back(t[k], static_cast<float>(w));
      norm += w * w;
      k = m;
    }
    norm = std::sqrt(norm);
    for (auto& [id, w] : v) {
      w = static_cast<float>(w / (norm > 0 ? norm : 1));
      centroid[id] += w;
    }
    vectors_[i] = std::move(v);
  }
  double cnorm = 0;
  for (double c : centroid) cnorm += c * c;
  cnorm = std::sqrt(cnorm);

  std::vector<int> title_ids;
  for (auto& tok : split_words(title)) {
    auto it = ids_.find(term_key(tok, language));
    if (it != ids_.end()) title_ids.push_back(it->second);
  }

  relevance_.resize(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    double dot = 0;
    int title_hits = 0;
    for (auto& [id, w] : vectors_[i]) {
      dot += w * centroid[id];
      if (std::find(title_ids.begin(), title_ids.end(), id) != title_ids.end()) ++title_hits;
    }
    double r = cnorm > 0 ? dot / cnorm : 0;
    // Short fragments and questions make poor summary sentences.
    r *= std::min(1.0, units[i].words / 8.0);
    if (units[i].question) r *= 0.6;
    if (vectors_[i].size() < 3) r *= 0.5;
    if (!units[i].whole) r *= 0.9;  // pieces cut from a run read worse than whole sentences
    r *= 1.0 + 0.15 * std::min(title_hits, 3);
    relevance_[i] = r;
  }
}

double Analysis::similarity(size_t i, size_t j) const {
  const auto& a = vectors_[i];
  const auto& b = vectors_[j];
  double dot = 0;
  size_t x = 0, y = 0;
  while (x < a.size() && y < b.size()) {
    if (a[x].first == b[y].first) dot += a[x++].second * b[y++].second;
    else if (a[x].first < b[y].first) ++x;
    else ++y;
  }
  return dot;
}

double Analysis::weight(const std::string& token) const {
  std::string plain = lower(strip_punct(token));
  if (!usable_term(plain, language_)) return 0;
  auto it = ids_.find(term_key(token, language_));
  return it == ids_.end() ? 0 : idf_[it->second];
}

std::vector<size_t> select_units(const std::vector<Unit>& units, const Analysis& analysis, const SelectOptions& o) {
  size_t n = units.size();
  int sections = std::max(1, o.sections);
  double top = 0;
  for (size_t i = 0; i < n; ++i) top = std::max(top, analysis.relevance(i));
  if (top <= 0) top = 1;

  std::vector<int> section(n);
  double span = o.duration > 0 ? o.duration : (n ? units.back().start + 1 : 1);
  for (size_t i = 0; i < n; ++i)
    section[i] = std::clamp(static_cast<int>(sections * units[i].start / span), 0, sections - 1);

  std::vector<double> maxsim(n, 0.0);
  std::vector<bool> chosen(n, false);
  std::vector<size_t> picked;
  int words = 0;
  auto done = [&] {
    return (o.max_count > 0 && static_cast<int>(picked.size()) >= o.max_count) ||
           (o.target_words > 0 && words >= o.target_words);
  };

  while (!done()) {
    // One candidate per section, then take them best first: when the budget
    // runs out mid-round the best sections, not the earliest, get the extra.
    std::vector<std::pair<double, size_t>> round;
    for (int s = 0; s < sections; ++s) {
      double best = -1e9;
      size_t best_i = n;
      for (size_t i = 0; i < n; ++i) {
        if (section[i] != s || chosen[i] || maxsim[i] > o.redundancy) continue;
        if (o.eligible && !o.eligible(i)) continue;
        double mmr = o.lambda * analysis.relevance(i) / top - (1 - o.lambda) * maxsim[i];
        if (mmr > best) {
          best = mmr;
          best_i = i;
        }
      }
      if (best_i < n) round.emplace_back(best, best_i);
    }
    if (round.empty()) break;
    std::sort(round.begin(), round.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (auto& [score, i] : round) {
      if (done()) break;
      if (maxsim[i] > o.redundancy) continue;  // too close to one picked earlier this round
      if (o.max_words > 0 && words + units[i].words > o.max_words) {
        chosen[i] = true;  // never fits; do not offer it again
        continue;
      }
      chosen[i] = true;
      picked.push_back(i);
      words += units[i].words;
      for (size_t k = 0; k < n; ++k)
        if (!chosen[k]) maxsim[k] = overlaps(units[k], units[i]) ? 1.0 : std::max(maxsim[k], analysis.similarity(k, i));
    }
    // Every candidate of a round is either taken or excluded for good (too
    // long or too similar), so the loop ends even when nothing was added.
  }
  std::sort(picked.begin(), picked.end());
  return picked;
}

}  // namespace td::summarize
