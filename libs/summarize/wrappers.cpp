#include "summarize/wrappers.h"

#include <optional>
#include <regex>
#include <string_view>

#include "summarize/text.h"

namespace td::summarize {

namespace {

// Openers a model puts before the answer ("Sure!", "Okay, so"), stripped
// before the presenter is looked for; alone on a line they are a preamble.
const char* const kInterjections[] = {"sure thing",   "sure",        "certainly",    "of course",
                                      "absolutely",   "okay",        "ok",           "alright",
                                      "all right",    "great",       "got it",       "no problem",
                                      "yes",          "well",        "so",           "perfect",
                                      "understood",   "bien sûr",    "d'accord",     "très bien",
                                      "parfait",      "entendu",     "claro que sí", "claro",
                                      "por supuesto", "desde luego", "perfecto",     "vale",
                                      "gerne",        "natürlich",   "klar",         "selbstverständlich",
                                      "certo",        "certamente",  "perfeito",     "com certeza"};

// How a preamble presents what follows.
const char* const kPresenters[] = {"here is",
                                   "here's",
                                   "here are",
                                   "below is",
                                   "below are",
                                   "the following is",
                                   "the following are",
                                   "this is",
                                   "these are",
                                   "i've summarized",
                                   "i have summarized",
                                   "i've written",
                                   "let me summarize",
                                   "voici",
                                   "voilà",
                                   "voila",
                                   "ci-dessous",
                                   "j'ai résumé",
                                   "aquí tienes",
                                   "aquí tiene",
                                   "aquí está",
                                   "aquí están",
                                   "aquí va",
                                   "aqui tienes",
                                   "a continuación",
                                   "este es",
                                   "estos son",
                                   "he resumido",
                                   "hier ist",
                                   "hier sind",
                                   "hier kommt",
                                   "im folgenden",
                                   "nachfolgend",
                                   "aqui está",
                                   "aqui estão",
                                   "aqui vai",
                                   "segue",
                                   "seguem",
                                   "ecco",
                                   "di seguito",
                                   "questo è",
                                   "questi sono"};

// What a preamble names: the answer itself. A line without one of these is
// taken for content ("Here are three reasons the speaker gives:").
const char* const kAnswerNouns[] = {
    "summary", "summari",      "script",     "bullet",  "points",      "insights",        "takeaways", "overview",
    "recap",   "breakdown",    "highlights", "résumé",  "resume",      "synthèse",        "idées",     "texte",
    "resumen", "guion",        "guión",      "puntos",  "ideas",       "zusammenfassung", "punkte",    "erkenntnisse",
    "skript",  "kernaussagen", "resumo",     "roteiro", "pontos",      "riassunto",       "sintesi",   "punti",
    "copione", "testo",        "version",    "versión", "translation", "traduction",      "traducción"};

// First words of a title line ("# Summary", "**Key insights:**", "Script:").
const char* const kTitleWords[] = {
    "summary",  "script",    "transcript",      "key",          "main",       "bullet",        "bullets",
    "insights", "takeaways", "overview",        "spoken",       "audio",      "comprehensive", "résumé",
    "resume",   "synthèse",  "points",          "idées",        "resumen",    "guion",         "guión",
    "puntos",   "ideas",     "zusammenfassung", "kernaussagen", "wichtigste", "wichtigsten",   "skript",
    "resumo",   "roteiro",   "pontos",          "riassunto",    "sintesi",    "punti",         "copione"};
const char* const kArticles[] = {"the", "a",   "le",  "la", "les", "un", "el", "los",
                                 "las", "die", "der", "o",  "os",  "il", "i",  "gli"};

// Phrases no video summary contains: the model talking to its user.
const char* const kStrongSignOffs[] = {
    "i hope this helps", "hope this helps", "i hope that helps", "i hope this summary", "i hope this script",
    "i hope these", "i hope you find this", "let me know if", "please let me know if", "feel free to ask",
    "feel free to let me know", "feel free to reach out", "would you like me to", "do you want me to",
    "is there anything else", "if you need any further", "if you need anything else", "if you'd like me to",
    "if you would like me to", "happy to help", "glad i could help", "word count", "total words",
    // French
    "j'espère que cela vous", "j'espère que cela t'", "j'espère que ça vous", "j'espère que ça t'",
    "j'espère que ce résumé", "j'espère que ce script", "j'espère que ces", "n'hésitez pas à me", "n'hésite pas à me",
    "souhaitez-vous que je", "voulez-vous que je", "nombre de mots",
    // Spanish
    "espero que esto te", "espero que esto le", "espero que te sirva", "espero que le sirva", "espero que te ayude",
    "espero que le ayude", "espero que este resumen", "espero que este guion", "espero que sea útil",
    "espero haberte ayudado", "no dudes en preguntar", "no dudes en pedir", "no dudes en decirme", "no dude en",
    "avísame si", "número de palabras", "recuento de palabras",
    // German
    "ich hoffe, das hilft", "ich hoffe, dies hilft", "ich hoffe, diese zusammenfassung", "ich hoffe, das ist hilfreich",
    "lass mich wissen, ob", "lass mich wissen, wenn", "lassen sie mich wissen", "sag mir bescheid",
    "sagen sie mir bescheid", "wortzahl", "wortanzahl",
    // Portuguese
    "espero que isso ajude", "espero que isto ajude", "espero que este resumo", "espero ter ajudado",
    "fique à vontade para", "me avise se", "contagem de palavras",
    // Italian
    "spero che questo ti", "spero che questo riassunto", "spero che ti sia utile", "spero di esserti stat",
    "fammi sapere se", "non esitare a chiedere", "non esitare a contattarmi", "numero di parole"};

// Openings a speaker may use too: a sign-off only as the answer's last line.
const char* const kWeakSignOffs[] = {"if you have any questions",
                                     "if you have any other questions",
                                     "if you have any further questions",
                                     "if you need",
                                     "if you want",
                                     "if you'd like",
                                     "i can also",
                                     "i could also",
                                     "let me know",
                                     "feel free",
                                     "note:",
                                     "note :",
                                     "si vous avez des questions",
                                     "si vous souhaitez",
                                     "si vous voulez",
                                     "remarque :",
                                     "si tienes alguna pregunta",
                                     "si tienes preguntas",
                                     "si necesitas",
                                     "si quieres",
                                     "quieres que",
                                     "te gustaría que",
                                     "nota:",
                                     "wenn du",
                                     "wenn sie",
                                     "falls du",
                                     "falls sie",
                                     "hinweis:",
                                     "anmerkung:",
                                     "se precisar",
                                     "se quiser",
                                     "se tiver",
                                     "se hai bisogno",
                                     "se vuoi",
                                     "se hai domande"};

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  // Built anew rather than replaced in place (GCC 12 warns, wrongly, about
  // std::string::replace here: -Wrestrict).
  std::string out;
  out.reserve(s.size());
  size_t start = 0;
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, start)) {
    out.append(s, start, p - start);
    out.append(to);
    start = p + from.size();
  }
  out.append(s, start, std::string::npos);
  s = std::move(out);
}

// Lowercased, markdown marks and typographic variants folded: "## **Voici le
// résumé :**" -> "voici le résumé :".
std::string normalize(const std::string& line) {
  std::string s = trim(line);
  replace_all(s, "\xE2\x80\x99", "'");  // ’
  replace_all(s, "\xC2\xA0", " ");      // no-break space (French before ':')
  replace_all(s, "\xE2\x80\xAF", " ");  // narrow no-break space
  size_t p = s.find_first_not_of("# >");
  s = p == std::string::npos ? "" : s.substr(p);
  std::string out;
  for (char c : s)
    if (c != '*') out += c;
  out = lower(trim(out));
  for (std::string_view mark : {"\xC2\xA1", "\xC2\xBF"})  // ¡ ¿
    while (out.compare(0, mark.size(), mark) == 0) out = trim(out.substr(mark.size()));
  return out;
}

bool starts_with_word(const std::string& s, std::string_view prefix) {
  if (s.compare(0, prefix.size(), prefix) != 0) return false;
  if (s.size() == prefix.size()) return true;
  unsigned char next = s[prefix.size()];
  return !(std::isalnum(next) || next >= 0x80);
}

bool is_bullet(const std::string& line) {
  static const std::regex re(R"(^\s*([-+•]|\*(?!\*)|\d{1,2}[.)])\s+\S.*)");
  return std::regex_match(line, re);
}

bool is_separator(const std::string& line) {
  static const std::regex re(R"(^\s*([-*_=]\s*){3,}$)");
  return std::regex_match(line, re);
}

// The line with leading "Sure!", "Okay, so" and the like removed.
std::string without_interjections(std::string s, bool* removed) {
  for (bool again = true; again;) {
    again = false;
    for (const char* w : kInterjections) {
      if (!starts_with_word(s, w)) continue;
      size_t p = s.find_first_not_of(" ,.!;\xE2\x80\xA6-", std::string_view(w).size());
      // "!" may come as "\xC2\xA1" in Spanish ("¡Claro! ¡Aquí…").
      s = p == std::string::npos ? "" : s.substr(p);
      while (s.compare(0, 2, "\xC2\xA1") == 0) s = trim(s.substr(2));
      *removed = again = true;
      break;
    }
  }
  return s;
}

bool names_the_answer(const std::string& s) {
  for (const char* n : kAnswerNouns)
    if (s.find(n) != std::string::npos) return true;
  return false;
}

bool is_title_line(const std::string& raw, const std::string& n) {
  std::string t = trim(raw);
  bool heading = !t.empty() && t[0] == '#';
  bool bold = t.size() > 4 && t.compare(0, 2, "**") == 0 &&
              (t.compare(t.size() - 2, 2, "**") == 0 || t.compare(t.size() - 3, 3, "**:") == 0);
  bool label = !n.empty() && n.back() == ':';
  if (!heading && !bold && !label) return false;
  std::string body = n;
  while (!body.empty() && (body.back() == ':' || body.back() == ' ')) body.pop_back();
  auto words = split_words(body);
  if (words.empty() || words.size() > 8) return false;
  size_t i = 0;
  for (const char* a : kArticles)
    if (words.size() > 1 && strip_punct(words[0]) == a) i = 1;
  std::string first = strip_punct(words[i]);
  for (const char* w : kTitleWords)
    if (first == w) return true;
  return false;
}

bool starts_with_any(const std::string& n, const char* const* begin, const char* const* end) {
  for (auto it = begin; it != end; ++it)
    if (starts_with_word(n, *it) || n.compare(0, std::string_view(*it).size(), *it) == 0) return true;
  return false;
}

// "Here is the script: This video…" on one line: the text after the colon.
std::optional<std::string> after_inline_preamble(const std::string& line) {
  size_t colon = line.find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string clause = line.substr(0, colon + 1);
  // A colon inside a quoted title belongs to the title, not to a preamble.
  for (std::string_view q : {"\"", "\xC2\xAB", "\xE2\x80\x9C"})  // " « “
    if (clause.find(q) != std::string::npos) return std::nullopt;
  if (count_words(clause) > 15 || !is_preamble_line(clause, false)) return std::nullopt;
  std::string rest = line.substr(colon + 1);
  size_t p = rest.find_first_not_of(" *");
  if (p == std::string::npos) return std::nullopt;
  return trim(rest.substr(p));
}

}  // namespace

bool is_preamble_line(const std::string& line, bool bare_and_titles) {
  if (is_bullet(line)) return false;
  std::string n = normalize(line);
  if (n.empty() || count_words(n) > 30) return false;
  if (bare_and_titles && is_title_line(line, n)) return true;
  bool removed = false;
  std::string rest = without_interjections(n, &removed);
  if (rest.empty()) return removed && bare_and_titles;
  if (rest.back() != ':') return false;
  return starts_with_any(rest, std::begin(kPresenters), std::end(kPresenters)) && names_the_answer(rest);
}

bool is_sign_off_line(const std::string& line, bool strong_only) {
  if (is_bullet(line)) return false;
  std::string n = normalize(line);
  while (!n.empty() && n[0] == '(') n = trim(n.substr(1));
  if (n.empty() || count_words(n) > (strong_only ? 30 : 40)) return false;
  static const std::regex word_count(R"(^\d+ (words|mots|palabras|wörter|palavras|parole)\)?\.?$)");
  if (std::regex_match(n, word_count)) return true;
  if (starts_with_any(n, std::begin(kStrongSignOffs), std::end(kStrongSignOffs))) return true;
  return !strong_only && starts_with_any(n, std::begin(kWeakSignOffs), std::end(kWeakSignOffs));
}

Unwrapped strip_wrappers(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t start = 0; start <= text.size();) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  auto content_lines = [&] {
    int n = 0;
    for (auto& l : lines) n += trim(l).empty() ? 0 : 1;
    return n;
  };
  Unwrapped out;
  // Never take the last line of content: an answer that is all wrapper
  // stays as it is, and the QA checks say what is wrong with it.
  auto take = [&](size_t i) {
    if (content_lines() <= 1) return false;
    out.removed.push_back(trim(lines[i]));
    lines.erase(lines.begin() + static_cast<long>(i));
    return true;
  };
  for (int round = 0; round < 4; ++round) {
    size_t i = 0;
    while (i < lines.size() && trim(lines[i]).empty()) ++i;
    if (i == lines.size()) break;
    if (is_separator(lines[i]) || is_preamble_line(lines[i])) {
      if (!take(i)) break;
      continue;
    }
    if (auto rest = after_inline_preamble(lines[i])) {
      out.removed.push_back(trim(lines[i].substr(0, lines[i].size() - rest->size())));
      lines[i] = *rest;
    }
    break;
  }
  for (int round = 0; round < 4; ++round) {
    size_t i = lines.size();
    while (i > 0 && trim(lines[i - 1]).empty()) --i;
    if (i == 0) break;
    if (!(is_separator(lines[i - 1]) || is_sign_off_line(lines[i - 1]))) break;
    if (!take(i - 1)) break;
  }
  if (out.removed.empty()) {
    out.text = text;
    return out;
  }
  std::string joined;
  for (size_t i = 0; i < lines.size(); ++i) joined += (i ? "\n" : "") + lines[i];
  out.text = trim(joined);
  return out;
}

}  // namespace td::summarize
