#include "summarize/extractive.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "common/errors.h"
#include "summarize/lexicon.h"
#include "summarize/qa.h"
#include "summarize/ranking.h"
#include "summarize/spec.h"
#include "summarize/text.h"
#include "summarize/units.h"

namespace td::summarize {

namespace {

struct Sentence {
  std::string text;
  double relevance = 0;
};

struct InsightDraft {
  std::string headline;
  std::vector<Sentence> body;
};

struct GlossaryEntry {
  std::string term;     // in the output language
  std::string source;   // in the transcript language
  std::string context;  // a few transcript words around it
};

// The variant's content before it is rendered, so translation touches only
// plain sentences and never the markup around them.
struct Draft {
  std::vector<std::vector<Sentence>> paragraphs;
  std::vector<Sentence> bullets;
  std::optional<Sentence> bottom;
  std::vector<InsightDraft> insights;
  std::vector<GlossaryEntry> glossary;
  bool frame = true;  // a script's spoken intro and outro
};

struct Phrases {
  std::string intro, intro_titled, outro, glossary_heading, translated_as, as_in;
};

// Spoken frame and glossary wording per output language; other languages get
// neither, which keeps the script honest rather than half-translated.
std::optional<Phrases> phrases_for(const std::string& lang) {
  if (lang == "en")
    return Phrases{"Here is a short summary of the video.", "Here is a short summary of the video \"{title}\".",
                   "That is the end of this summary.",      "Useful vocabulary.",
                   "{term}: in {lang}, {source}.",          "{term}, as in: {context}."};
  if (lang == "fr")
    return Phrases{"Voici un court résumé de la vidéo.", "Voici un court résumé de la vidéo « {title} ».",
                   "C'est la fin de ce résumé.",         "Vocabulaire utile.",
                   "{term} : en {lang}, {source}.",      "{term}, comme dans : {context}."};
  if (lang == "es")
    return Phrases{"Este es un breve resumen del vídeo.", "Este es un breve resumen del vídeo «{title}».",
                   "Aquí termina este resumen.",          "Vocabulario útil.",
                   "{term}: en {lang}, {source}.",        "{term}, como en: {context}."};
  return std::nullopt;
}

std::string language_name(const std::string& in, const std::string& lang) {
  static const std::map<std::string, std::map<std::string, std::string>> names = {
      {"en", {{"en", "English"}, {"fr", "French"}, {"es", "Spanish"}, {"de", "German"}}},
      {"fr", {{"en", "anglais"}, {"fr", "français"}, {"es", "espagnol"}, {"de", "allemand"}}},
      {"es", {{"en", "inglés"}, {"fr", "francés"}, {"es", "español"}, {"de", "alemán"}}}};
  auto a = names.find(in);
  if (a == names.end()) return lang;
  auto b = a->second.find(lang);
  return b == a->second.end() ? lang : b->second;
}

std::string fill(std::string tpl, const std::map<std::string, std::string>& values) {
  for (auto& [k, v] : values) {
    std::string key = "{" + k + "}";
    for (size_t p = tpl.find(key); p != std::string::npos; p = tpl.find(key, p + v.size()))
      tpl.replace(p, key.size(), v);
  }
  return tpl;
}

// Words per source word after translation (Romance output runs longer than English).
double expansion(const std::string& from, const std::string& to) {
  if (from == to) return 1.0;
  if (from == "en" && to == "es") return 1.12;
  if (from == "en" && to == "fr") return 1.18;
  return 1.1;
}

std::string spoken_title(const std::string& title) {
  std::string out;
  int words = 0;
  for (auto& w : split_words(title)) {
    if (contains_url(w) || !is_word_token(w)) continue;
    std::string clean;
    for (size_t i = 0; i < w.size(); ++i) {
      unsigned char c = w[i];
      if (c >= 0xF0) {  // emoji and other 4-byte symbols: skip the sequence
        i += 3;
        continue;
      }
      if (c == '*' || c == '#' || c == '`' || c == '|' || c == '[' || c == ']' || c == '_' || c == '"') continue;
      clean += w[i];
    }
    if (clean.empty() || ++words > 12) break;
    append_sep(out, " ", clean);
  }
  return out;
}

// A headline is a phrase of its unit: the best run of two to five
// consecutive words that does not cross punctuation, opens and closes on a
// content word and may hold function words inside ("government of the
// people", "solar panel prices"), scored by the IDF of its content words.
// Speakers name the topic first, so earlier runs score a little higher.
std::string headline_for(const std::vector<std::string>& tokens, const Analysis& a) {
  auto content = [&](size_t k) {
    std::string key = lower(strip_punct(tokens[k]));
    return a.weight(tokens[k]) > 0 && !lexicon::never_ends(key) && !lexicon::never_starts(key);
  };
  // Inside a headline only the glue of a noun phrase: "pursuit of happiness".
  static const std::set<std::string> glue = {"of",  "the", "a",  "an",  "and", "de",  "la", "le", "les",
                                             "des", "du",  "el", "los", "las", "del", "y",  "et", "d'"};
  auto stops = [&](size_t k) {
    char last = tokens[k].back();
    if (last == ',' || last == '.' || last == ';' || last == ':' || last == '?' || last == '!') return true;
    std::string key = lower(strip_punct(tokens[k]));
    return a.weight(tokens[k]) <= 0 && !glue.count(key);
  };
  double best = 0;
  size_t best_i = 0, best_len = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!content(i)) continue;
    double sum = 0;
    for (size_t len = 1; len <= 5 && i + len <= tokens.size(); ++len) {
      size_t k = i + len - 1;
      sum += a.weight(tokens[k]);
      if (len >= 2 && content(k)) {
        double position = 1.0 - 0.3 * static_cast<double>(i) / tokens.size();
        double score = position * sum / std::sqrt(static_cast<double>(len));
        if (score > best) {
          best = score;
          best_i = i;
          best_len = len;
        }
      }
      if (stops(k)) break;
    }
  }
  if (best_len == 0) {
    // No such run: the unit's opening words, up to a place a phrase can end.
    best_len = std::min<size_t>(4, tokens.size());
    while (best_len > 2 && (lexicon::never_ends(lower(strip_punct(tokens[best_len - 1]))))) --best_len;
  }
  std::string out;
  for (size_t k = best_i; k < best_i + best_len; ++k) append_sep(out, " ", strip_punct(tokens[k]));
  return capitalize_first(out);
}

std::vector<std::vector<Sentence>> paragraphs_of(const std::vector<Sentence>& sentences) {
  int words = 0;
  for (auto& s : sentences) words += count_words(s.text);
  int count = std::clamp(static_cast<int>(std::lround(words / 110.0)), 1, 5);
  std::vector<std::vector<Sentence>> out(1);
  int per = words / count + 1, acc = 0;
  for (auto& s : sentences) {
    if (acc >= per && static_cast<int>(out.size()) < count) {
      out.emplace_back();
      acc = 0;
    }
    out.back().push_back(s);
    acc += count_words(s.text);
  }
  return out;
}

bool is_subject_pronoun(const std::string& w) {
  static const std::set<std::string> pronouns = {"je",       "tu",    "il",    "elle",  "on",      "nous", "vous",
                                                 "ils",      "elles", "yo",    "tú",    "él",      "ella", "nosotros",
                                                 "vosotros", "ellos", "ellas", "usted", "ustedes", "se"};
  return pronouns.count(w) > 0;
}

std::vector<std::string> glossary_candidates(const std::vector<Unit>& units, const std::vector<size_t>& picked,
                                             const Analysis& a, size_t want) {
  std::map<std::string, double> score;
  for (size_t i : picked)
    for (auto& tok : units[i].tokens) {
      std::string plain = lower(strip_punct(tok));
      // Function words ("shall", "would") teach nothing and may translate to nothing.
      if (is_stopword(plain, a.language()) || lexicon::never_ends(plain) || lexicon::never_starts(plain) ||
          lexicon::subordinates(plain))
        continue;
      if (plain.size() < 5 || std::any_of(plain.begin(), plain.end(),
                                          [](unsigned char c) { return std::isdigit(c) || c == '\'' || c == '-'; }))
        continue;
      double w = a.weight(tok);
      if (w > 0) score[plain] += w;
    }
  std::vector<std::pair<double, std::string>> ranked;
  for (auto& [t, s] : score) ranked.emplace_back(s, t);
  std::sort(ranked.begin(), ranked.end(), [](auto& x, auto& y) { return x.first > y.first; });
  std::vector<std::string> out;
  for (auto& [s, t] : ranked) {
    if (out.size() >= want) break;
    out.push_back(t);
  }
  return out;
}

std::string context_for(const std::string& term, const std::vector<Unit>& units, const std::vector<size_t>& picked) {
  for (size_t i : picked) {
    auto& toks = units[i].tokens;
    for (size_t k = 0; k < toks.size(); ++k) {
      if (lower(strip_punct(toks[k])) != term) continue;
      size_t b = k >= 4 ? k - 4 : 0, e = std::min(toks.size(), k + 5);
      std::string out;
      for (size_t j = b; j < e; ++j) append_sep(out, " ", strip_punct(toks[j]));
      return out;
    }
  }
  return term;
}

// What a learner's script may average per sentence (QA sentence_length),
// counting the short lines around the content: the intro, the glossary
// heading and terms, the outro.
struct AverageLimit {
  double max = 0;  // 0 = no limit
  int extra_sentences = 0, extra_words = 0;
};

class Builder {
 public:
  Builder(const SummaryInput& input, const Variant& variant, const Attempt& attempt, Translator& translator)
      : input_(input), variant_(variant), attempt_(attempt), translator_(translator), spec_(spec_for(variant)) {}

  SummaryOutput run() {
    src_ = source_language(input_);
    out_lang_ = output_language(input_, variant_);
    if (src_.empty()) src_ = out_lang_;
    translating_ = !out_lang_.empty() && out_lang_ != src_;
    // Fail before any work when the language cannot be reached.
    if (translating_) translator_.require(src_, out_lang_);

    int duration = effective_duration(input_);
    clean_ = clean_transcript(input_, src_, duration);
    int source_words = static_cast<int>(clean_.words.size());
    if (source_words == 0) throw td::PermanentError("empty_transcript", "the transcript has no words to summarize");
    target_ = target_for(spec_, variant_, duration, source_words);
    level_ = level_rule(spec_, variant_);
    factor_ = expansion(src_, out_lang_);

    Draft draft;
    switch (spec_.format) {
      case Format::prose: draft = prose(); break;
      case Format::bullets: draft = bullets(); break;
      case Format::insights: draft = insights(); break;
      case Format::script: draft = script(); break;
    }
    SummaryOutput out;
    if (translating_) out.translated_by = translate(draft);
    out.text = fit(draft);
    out.language = out_lang_;
    out.provider = "extractive";
    out.model = ExtractiveSummarizer::kModel;
    out.prompt_version = ExtractiveSummarizer::kVersion;
    if (target_.short_source) out.flags.push_back("short_source");
    return out;
  }

 private:
  // Aim at the middle of the range, lower on a strict re-run, in source words.
  int target_words(int reserved = 0) const {
    double share = attempt_.strict ? 0.4 : 0.55;
    double t = target_.words.min + share * (target_.words.max - target_.words.min) - reserved;
    return std::max(10, static_cast<int>(t / factor_));
  }
  // Source words the range's minimum needs (after translation's expansion).
  int source_need(int reserved = 0) const {
    return static_cast<int>(std::ceil((target_.words.min - reserved) / factor_));
  }
  int max_words(int reserved = 0) const {
    return std::max(10, static_cast<int>((target_.words.max - reserved) / factor_));
  }

  void analyse(int max_unit_words, int min_unit_words = 4) {
    units_ = make_units(clean_, max_unit_words, min_unit_words);
    analysis_.emplace(units_, src_, input_.title);
  }

  SelectOptions base_options() const {
    SelectOptions o;
    o.duration = clean_.duration;
    return o;
  }

  // Selection with units of at most caps[0] words; when the source has too
  // few of them to reach `need` words (a speaker of long sentences), the
  // next cap lets longer whole sentences in. A cap whose picks would make
  // the script's average sentence longer than the limit is not taken.
  std::vector<size_t> select_capped(SelectOptions o, int min_unit, std::vector<int> caps, int need,
                                    AverageLimit limit = {}) const {
    std::vector<size_t> best;
    for (int cap : caps) {
      o.eligible = [this, cap, min_unit](size_t i) {
        return usable(i) && units_[i].words >= min_unit && units_[i].words <= cap;
      };
      auto picked = select_units(units_, *analysis_, o);
      int words = 0;
      for (size_t i : picked) words += units_[i].words;
      double sentences = static_cast<double>(picked.size() + limit.extra_sentences);
      if (limit.max > 0 && !picked.empty() && words + limit.extra_words > limit.max * sentences) break;
      best = std::move(picked);
      if (words >= need) return best;
    }
    // Still short: a speaker who comes back to the same words (a litany,
    // an archaic text) needs similar sentences too, never the same one twice.
    if (o.redundancy < 0.8) {
      o.redundancy = 0.8;
      auto more = select_capped(o, min_unit, {caps.back()}, need, limit);
      if (more.size() > best.size()) return more;
    }
    return best;
  }

  // A unit worth offering at all: not a question, and not a verbless
  // phrase that a restored boundary cut off (captions only: a pasted text's
  // sentences are its author's).
  bool usable(size_t i) const {
    const Unit& u = units_[i];
    return !u.question && (!clean_.punctuated || u.has_verb || u.words >= 12);
  }

  std::vector<Sentence> sentences_of(const std::vector<size_t>& picked) const {
    std::vector<Sentence> out;
    for (size_t i : picked) out.push_back({units_[i].text, analysis_->relevance(i)});
    return out;
  }

  Draft prose() {
    analyse(attempt_.strict ? 28 : 35);
    auto o = base_options();
    o.target_words = target_words();
    o.max_words = max_words();
    o.sections = std::max(3, o.target_words / 40);
    // Long whole sentences are welcome in prose, up to a point.
    Draft d;
    d.paragraphs = paragraphs_of(sentences_of(select_capped(o, 6, {60, 90}, source_need())));
    return d;
  }

  Draft bullets() {
    int limit = spec_.max_item_words;
    if (translating_) limit = static_cast<int>(limit / factor_);
    if (attempt_.strict) limit -= 2;
    analyse(limit, 5);
    auto o = base_options();
    o.max_count = std::clamp(target_.target_items, target_.min_items, spec_.max_items);
    o.sections = o.max_count;
    o.eligible = [this, limit](size_t i) { return usable(i) && units_[i].words >= 6 && units_[i].words <= limit; };
    auto picked = select_units(units_, *analysis_, o);
    Draft d;
    d.bullets = sentences_of(picked);
    // The bottom line is the most central sentence not already a bullet
    // (nor close to one); failing that, the top bullet moves down to it.
    std::set<size_t> chosen(picked.begin(), picked.end());
    double best = -1;
    size_t best_i = units_.size();
    bool any_whole = std::any_of(units_.begin(), units_.end(), [&](const Unit& u) { return u.whole; });
    for (size_t i = 0; i < units_.size(); ++i) {
      if (chosen.count(i) || !usable(i) || units_[i].words < 6 || units_[i].words > 40) continue;
      if (any_whole && !units_[i].whole) continue;  // a fragment makes a poor closing sentence
      double sim = 0;
      for (size_t p : picked) sim = std::max(sim, overlaps(units_[i], units_[p]) ? 1.0 : analysis_->similarity(i, p));
      if (sim > 0.6) continue;
      if (analysis_->relevance(i) > best) {
        best = analysis_->relevance(i);
        best_i = i;
      }
    }
    if (best_i < units_.size()) {
      d.bottom = Sentence{units_[best_i].text, best};
    } else if (!d.bullets.empty()) {
      auto top = std::max_element(d.bullets.begin(), d.bullets.end(),
                                  [](auto& a, auto& b) { return a.relevance < b.relevance; });
      d.bottom = *top;
      d.bullets.erase(top);
    }
    return d;
  }

  Draft insights() {
    analyse(attempt_.strict ? 22 : 28, 5);
    auto o = base_options();
    o.max_count = std::clamp(target_.target_items, target_.min_items, spec_.max_items);
    o.sections = o.max_count;
    auto picked = select_capped(o, 7, {40, 60}, 0);
    if (static_cast<int>(picked.size()) < target_.min_items) picked = select_capped(o, 5, {60}, 0);
    std::set<size_t> chosen(picked.begin(), picked.end());
    Draft d;
    for (size_t i : picked) {
      InsightDraft in;
      in.body.push_back({units_[i].text, analysis_->relevance(i)});
      auto tokens = units_[i].tokens;
      // A short insight borrows the sentence that follows it in the video.
      size_t next = i + 1;
      if (units_[i].words < 14 && next < units_.size() && !chosen.count(next) && units_[next].words <= 20 &&
          !units_[next].question && units_[next].start - units_[i].start < 45) {
        in.body.push_back({units_[next].text, analysis_->relevance(next)});
        chosen.insert(next);
      }
      in.headline = headline_for(tokens, *analysis_);
      d.insights.push_back(std::move(in));
    }
    // Short of the range's words: single-sentence insights take the
    // sentence that follows theirs, when it is free.
    int total = 0;
    for (size_t k = 0; k < picked.size(); ++k) total += units_[picked[k]].words + 3;
    for (size_t k = 0; k < picked.size() && total < target_.words.min; ++k) {
      size_t next = picked[k] + 1;
      while (next < units_.size() && overlaps(units_[next], units_[picked[k]])) ++next;
      if (d.insights[k].body.size() > 1 || next >= units_.size() || chosen.count(next) || units_[next].question ||
          units_[next].words > 40)
        continue;
      d.insights[k].body.push_back({units_[next].text, analysis_->relevance(next)});
      chosen.insert(next);
      total += units_[next].words;
    }
    return d;
  }

  Draft script() {
    int max_unit = level_.max_sentence_words > 0 ? level_.max_sentence_words : 25;
    if (attempt_.strict) max_unit = std::max(8, max_unit - 4);
    analyse(max_unit, 4);
    // A short source's few words go to content first: its glossary shrinks
    // with the range (about one term per 30 words of it, at least two).
    glossary_terms_ = level_.glossary_terms;
    if (target_.short_source && glossary_terms_ > 0)
      glossary_terms_ = std::min(glossary_terms_, std::max(2, target_.words.max / 30));
    int glossary_words = glossary_terms_ * 7 + (glossary_terms_ ? 3 : 0);
    int frame_words = phrases_for(out_lang_) ? 18 : 0;
    auto o = base_options();
    o.target_words = target_words(glossary_words + frame_words);
    o.max_words = max_words(glossary_words + frame_words);
    o.sections = std::max(3, o.target_words / 40);
    // A learner's level caps the average sentence (QA sentence_length
    // allows 1.25 times the level's length): units a little over it may
    // still come, the longest never.
    int level = level_.max_sentence_words;
    int need = source_need(glossary_words + frame_words);
    AverageLimit average;
    if (level > 0) {
      // Aim a little under what QA allows (1.25 times the level), in source words.
      average.max = level * 1.15 / factor_;
      average.extra_sentences = glossary_terms_ + (glossary_terms_ ? 1 : 0) + (frame_words ? 2 : 0);
      average.extra_words = glossary_terms_ * 5 + frame_words;
    }
    auto picked = level > 0 ? select_capped(o, 4, {level * 5 / 4, level * 2, level * 3}, need, average)
                            : select_capped(o, 5, {40, 60, 90}, need);
    Draft d;
    d.paragraphs = paragraphs_of(sentences_of(picked));
    if (glossary_terms_ > 0) {
      size_t want = static_cast<size_t>(glossary_terms_);
      for (auto& t : glossary_candidates(units_, picked, *analysis_, translating_ ? want * 3 : want))
        d.glossary.push_back({t, t, context_for(t, units_, picked)});
    }
    return d;
  }

  // Translates every sentence, headline and glossary term in one engine call.
  std::string translate(Draft& d) {
    std::vector<std::string*> slots;
    for (auto& p : d.paragraphs)
      for (auto& s : p) slots.push_back(&s.text);
    for (auto& b : d.bullets) slots.push_back(&b.text);
    if (d.bottom) slots.push_back(&d.bottom->text);
    for (auto& in : d.insights) {
      slots.push_back(&in.headline);
      for (auto& s : in.body) slots.push_back(&s.text);
    }
    std::vector<size_t> term_slot;
    for (auto& g : d.glossary) {
      term_slot.push_back(slots.size());
      slots.push_back(&g.term);
      slots.push_back(&g.context);
    }
    std::vector<std::string> pieces;
    for (auto* s : slots) pieces.push_back(*s);
    auto t = translator_.translate(pieces, src_, out_lang_);
    // Sentences start with a capital in any language ("il seulement" came
    // back from "Only five years ago ...").
    for (size_t i = 0; i < slots.size(); ++i) *slots[i] = capitalize_first(t.pieces[i]);
    // A piece the engine translated to nothing is left out, never rendered
    // as an empty bullet or a headline without words.
    auto empty = [](const Sentence& x) { return count_words(x.text) == 0; };
    for (auto& p : d.paragraphs) p.erase(std::remove_if(p.begin(), p.end(), empty), p.end());
    d.paragraphs.erase(std::remove_if(d.paragraphs.begin(), d.paragraphs.end(), [](auto& p) { return p.empty(); }),
                       d.paragraphs.end());
    d.bullets.erase(std::remove_if(d.bullets.begin(), d.bullets.end(), empty), d.bullets.end());
    if (d.bottom && empty(*d.bottom)) d.bottom.reset();
    for (auto& in : d.insights) in.body.erase(std::remove_if(in.body.begin(), in.body.end(), empty), in.body.end());
    d.insights.erase(std::remove_if(d.insights.begin(), d.insights.end(),
                                    [](auto& in) { return in.body.empty() || count_words(in.headline) == 0; }),
                     d.insights.end());
    // Terms the engine left as they were teach nothing, and a term some step
    // of a chained route could not translate is not in the output language
    // at all (English "living" reached French as Spanish "viviente"): keep
    // the fully translated ones.
    std::vector<GlossaryEntry> kept;
    for (size_t gi = 0; gi < d.glossary.size(); ++gi) {
      auto& g = d.glossary[gi];
      std::string term = lower(strip_punct(g.term));
      if (term == g.source || term.empty() || split_words(term).size() > 2) continue;
      // A route that made a verb phrase of it ("j'ajoute", "il consacre")
      // gives no word to learn.
      auto first = lower(strip_punct(split_words(term).front()));
      if (term.find('\'') != std::string::npos || term.find("\xE2\x80\x99") != std::string::npos ||
          is_subject_pronoun(first))
        continue;
      if (term_slot[gi] < t.unknown.size() && !t.unknown[term_slot[gi]].empty()) continue;
      if (std::any_of(kept.begin(), kept.end(), [&](auto& k) { return lower(strip_punct(k.term)) == term; })) continue;
      g.term = term;
      kept.push_back(g);
      if (static_cast<int>(kept.size()) >= glossary_terms_) break;
    }
    d.glossary = kept;
    return t.engine;
  }

  std::string render(const Draft& d) const {
    std::string out;
    auto join = [](const std::vector<Sentence>& ss) {
      std::string s;
      for (auto& x : ss) append_sep(s, " ", x.text);
      return s;
    };
    switch (spec_.format) {
      case Format::prose:
        for (auto& p : d.paragraphs) append_sep(out, "\n\n", join(p));
        break;
      case Format::bullets:
        for (auto& b : d.bullets) out += "- " + b.text + "\n";
        if (d.bottom) out += "\n" + bottom_line_label(out_lang_) + ": " + d.bottom->text;
        break;
      case Format::insights:
        for (auto& in : d.insights) append_sep(out, "\n\n", std::string("**") + in.headline + "**: " + join(in.body));
        break;
      case Format::script: {
        auto ph = d.frame ? phrases_for(out_lang_) : std::nullopt;
        std::string title = spoken_title(input_.title);
        if (ph) out = title.empty() ? ph->intro : fill(ph->intro_titled, {{"title", title}});
        for (auto& p : d.paragraphs) append_sep(out, "\n\n", join(p));
        if (ph && !d.glossary.empty()) {
          out += "\n\n" + ph->glossary_heading;
          for (auto& g : d.glossary) {
            std::string line = translating_
                                   ? fill(ph->translated_as, {{"term", capitalize_first(g.term)},
                                                              {"lang", language_name(out_lang_, src_)},
                                                              {"source", g.source}})
                                   : fill(ph->as_in, {{"term", capitalize_first(g.term)}, {"context", g.context}});
            out += "\n" + line;
          }
        }
        if (ph) out += "\n\n" + ph->outro;
        break;
      }
    }
    return trim(out);
  }

  // Translation can push a draft past the range's top: drop the least
  // relevant sentences (never below the item minimum) until it fits.
  std::string fit(Draft& d) const {
    std::string text = render(d);
    while (count_words(text) > target_.words.max) {
      std::vector<Sentence>* from = nullptr;
      size_t at = 0;
      double worst = 1e18;
      auto consider = [&](std::vector<Sentence>& v, size_t min_keep) {
        if (v.size() <= min_keep) return;
        for (size_t i = 0; i < v.size(); ++i)
          if (v[i].relevance < worst) {
            worst = v[i].relevance;
            from = &v;
            at = i;
          }
      };
      for (auto& p : d.paragraphs) consider(p, 1);
      if (d.bullets.size() > static_cast<size_t>(target_.min_items)) consider(d.bullets, 0);
      for (auto& in : d.insights) consider(in.body, 1);
      if (!from) {
        if (d.insights.size() > static_cast<size_t>(target_.min_items)) {
          d.insights.pop_back();
        } else if (d.frame && spec_.format == Format::script) {
          // A short source leaves no room for "Here is a summary of ..."
          // around its one sentence; the content and glossary matter more.
          d.frame = false;
        } else if (!d.glossary.empty()) {
          d.glossary.pop_back();
        } else {
          break;  // cannot shrink further; QA will say so
        }
      } else {
        from->erase(from->begin() + static_cast<long>(at));
      }
      text = render(d);
    }
    return text;
  }

  const SummaryInput& input_;
  const Variant& variant_;
  const Attempt& attempt_;
  Translator& translator_;
  const VariantSpec& spec_;
  std::string src_, out_lang_;
  bool translating_ = false;
  CleanTranscript clean_;
  Target target_;
  LevelRule level_;
  int glossary_terms_ = 0;  // the level's, or fewer for a short source
  double factor_ = 1.0;
  std::vector<Unit> units_;
  std::optional<Analysis> analysis_;
};

}  // namespace

ExtractiveSummarizer::ExtractiveSummarizer(std::shared_ptr<Translator> translator)
    : translator_(std::move(translator)) {}

SummaryOutput ExtractiveSummarizer::summarize(const SummaryInput& input, const Variant& variant,
                                              const Attempt& attempt) {
  return Builder(input, variant, attempt, *translator_).run();
}

}  // namespace td::summarize
