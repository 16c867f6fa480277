#include "summarize/lexicon.h"

#include <unordered_set>

namespace td::summarize::lexicon {

namespace {

using Set = std::unordered_set<std::string>;

const Set kNoEnd = {
    // English
    "a", "an", "the", "of", "to", "for", "in", "on", "at", "by", "with", "from", "into", "under", "over", "about",
    "above", "than", "as", "and", "or", "but", "nor", "that", "which", "who", "whom", "whose", "if", "because", "is",
    "are", "was", "were", "be", "been", "have", "has", "had", "do", "does", "did", "shall", "should", "will", "would",
    "can", "could", "may", "might", "must", "not", "our", "their", "its", "his", "her", "my", "your", "this", "these",
    "those", "we", "they", "i", "you", "he", "she", "very", "so", "such", "no", "every", "each", "any", "all", "both",
    "either", "neither", "whether", "where", "when", "while", "although", "though", "unless", "until", "since", "upon",
    "among", "between", "through", "toward", "towards", "without", "within", "against", "during", "i'm", "we're",
    "they're", "it's", "there's", "let's", "we've", "we'll", "i've", "i'll", "most", "more", "less", "least", "same",
    "then",
    // French
    "le", "la", "les", "l", "un", "une", "des", "de", "d", "du", "au", "aux", "à", "en", "et", "ou", "que", "qu", "qui",
    "dont", "où", "ni", "mais", "car", "si", "ne", "n", "se", "s", "ce", "cet", "cette", "ces", "son", "sa", "ses",
    "leur", "leurs", "notre", "nos", "votre", "vos", "mon", "ma", "mes", "je", "j", "tu", "il", "elle", "nous", "vous",
    "ils", "elles", "on", "est", "sont", "sera", "être", "avoir", "a", "ont", "par", "pour", "dans", "sur", "sous",
    "avec", "sans", "chez", "vers", "entre", "contre", "parce", "lorsque", "quand", "comme", "très", "plus", "moins",
    "tout", "tous", "toute", "toutes", "chaque",
    // elided auxiliaries and pronouns: "tant que l'ordre matériel raffermi n'a."
    "n'a", "n'est", "n'ont", "n'était", "n'avait", "s'est", "c'est", "qu'il", "qu'on", "qu'elle", "l'on", "j'ai", "m'a",
    "t'a", "n'y", "s'il", "qu'ils", "n'en",
    // Spanish
    "el", "los", "las", "una", "unos", "unas", "del", "al", "con", "por", "para", "y", "e", "o", "u", "ni", "que",
    "quien", "cuyo", "cuya", "donde", "cuando", "pero", "sino", "porque", "aunque", "si", "su", "sus", "mi", "mis",
    "tu", "tus", "nuestro", "nuestra", "nuestros", "nuestras", "es", "son", "era", "fue", "ser", "estar", "está",
    "están", "ha", "han", "había", "hay", "sin", "sobre", "entre", "hacia", "hasta", "desde", "contra", "según", "muy",
    "tan", "más", "menos", "cada", "todo", "toda", "todos", "todas", "lo", "la", "le", "les", "se", "me", "te", "nos",
    "os", "aquel", "aquella", "aquellos", "aquellas", "este", "esta", "estos", "estas", "ese", "esa", "esos", "esas"};

const Set kNoStart = {"shall", "should", "will", "would", "can", "could", "may",  "might", "must", "not",
                      "have",  "has",    "had",  "is",    "are", "was",   "were", "be",    "been", "of",
                      "to",    "than",   "'s",   "n't",   "de",  "du",    "des",  "d",     "est",  "sont",
                      "a",     "ont",    "del",  "de",    "es",  "son",   "fue",  "era",   "ha",   "han"};

const Set kOpeners = {"so",        "now",      "okay",  "ok",    "honestly", "remember", "alright",   "anyway",
                      "basically", "actually", "well",  "today", "yet",      "finally",  "however",   "first",
                      "second",    "third",    "alors", "donc",  "bon",      "ensuite",  "enfin",     "aujourd'hui",
                      "entonces",  "bueno",    "pues",  "luego", "ahora",    "hoy",      "finalmente"};

const Set kMarkers = {"and",  "but",   "because", "then",     "which",   "when",   "if",     "or",
                      "also", "where", "while",   "although", "however", "et",     "mais",   "parce",
                      "puis", "quand", "car",     "y",        "pero",    "porque", "cuando", "aunque"};

const Set kSubordinators = {
    "that",    "which",    "who",     "whom",    "whose",   "where",    "whereby", "wherein",    "whether", "if",
    "because", "although", "though",  "unless",  "until",   "since",    "while",   "whereas",    "as",      "than",
    "to",      "of",       "for",     "by",      "with",    "from",     "in",      "into",       "on",      "upon",
    "at",      "under",    "among",   "between", "through", "nor",      "so",      "lest",       "being",   "having",
    "when",    "whenever", "once",    "after",   "before",  "wherever", "despite", "except",     "without", "around",
    "even",    "towards",  "toward",  "within",  "beyond",  "against",  "during",  "throughout", "along",   "across",
    "behind",  "beneath",  "besides", "via",     "per",     "whose",    "whom",    "who",        "que",     "qu",
    "qui",     "dont",     "où",      "lorsque", "quand",   "si",       "parce",   "puisque",    "afin",    "pour",
    "de",      "d",        "à",       "par",     "dans",    "sur",      "sans",    "avec",       "comme",   "ni",
    "quoique", "bien",     "avant",   "après",   "quien",   "quienes",  "cuyo",    "cuya",       "donde",   "cuando",
    "porque",  "aunque",   "para",    "con",     "por",     "sin",      "como",    "del",        "al",      "en",
    "sino",    "mientras", "si",      "antes",   "después"};

const Set kLeading = {"and",      "so",   "but",      "or",        "then",     "okay",   "ok",      "well", "now",
                      "also",     "like", "honestly", "basically", "actually", "anyway", "alright", "y",    "pero",
                      "entonces", "pues", "bueno",    "et",        "mais",     "donc",   "alors",   "bon",  "ben"};

// Subjects that open an independent clause: "..., we can not dedicate".
const Set kSubjects = {"i",        "we",    "you",  "he",     "she",      "it",    "they",    "this", "there",
                       "these",    "those", "one",  "nobody", "everyone", "je",    "j",       "nous", "vous",
                       "il",       "elle",  "ils",  "elles",  "on",       "c'est", "ce",      "yo",   "nosotros",
                       "vosotros", "él",    "ella", "ellos",  "ellas",    "usted", "ustedes", "esto", "eso"};

}  // namespace

bool never_ends(const std::string& key) { return kNoEnd.count(key) > 0; }
bool never_starts(const std::string& key) { return kNoStart.count(key) > 0; }
bool opens_sentence(const std::string& key) { return kOpeners.count(key) > 0; }
bool opens_clause(const std::string& key) { return kMarkers.count(key) > 0; }
bool subordinates(const std::string& key) { return kSubordinators.count(key) > 0; }
bool droppable_lead(const std::string& key) { return kLeading.count(key) > 0; }

bool subject(const std::string& key) { return kSubjects.count(key) > 0; }

bool coordinates(const std::string& k) {
  return k == "and" || k == "or" || k == "nor" || k == "et" || k == "ou" || k == "y" || k == "e" || k == "o" ||
         k == "u" || k == "ni";
}

bool verb_sign(const std::string& key, const std::string& language) {
  static const std::unordered_set<std::string> en = {
      "is",    "are",  "was", "were", "be",    "been", "am",    "has",     "have",   "had",
      "do",    "does", "did", "can",  "could", "will", "would", "shall",   "should", "may",
      "might", "must", "to",  "i'm",  "we're", "it's", "we've", "they're", "you're"};
  static const std::unordered_set<std::string> fr = {"est", "sont", "était", "étaient", "sera", "seront", "fut",
                                                     "a",   "ont",  "avait", "doit",    "peut", "faut",   "c'est"};
  static const std::unordered_set<std::string> es = {"es",  "son",   "era",   "eran", "fue",  "será",  "ha",
                                                     "han", "había", "puede", "debe", "está", "están", "hay"};
  const auto& set = language == "fr" ? fr : language == "es" ? es : en;
  return set.count(key) > 0;
}

}  // namespace td::summarize::lexicon
