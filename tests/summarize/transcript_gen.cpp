#include "transcript_gen.h"

#include <algorithm>
#include <cctype>
#include <random>
#include <vector>

namespace td::summarize::testing {

namespace {

struct Topic {
  std::vector<std::string> subjects, predicates, tails;
};

const std::vector<Topic>& english() {
  static const std::vector<Topic> topics = {
      {{"Solar panel prices", "The cost of photovoltaic modules", "Rooftop solar installations",
        "Utility scale solar farms"},
       {"have fallen by almost ninety percent", "keep dropping every single year",
        "changed the economics of electricity", "now compete with coal plants"},
       {"since the early two thousands", "thanks to manufacturing at enormous scale", "in most sunny countries",
        "even without government subsidies"}},
      {{"Battery storage", "Lithium iron phosphate cells", "Grid scale batteries", "Home battery systems"},
       {"smooth out the evening demand peak", "store cheap midday solar energy",
        "respond to frequency changes in milliseconds", "replace expensive gas peaker plants"},
       {"which makes the grid far more stable", "at a fraction of the old price", "for four hours at full power",
        "while prices continue to fall"}},
      {{"Wind turbines", "Offshore wind farms", "Modern turbine blades", "Floating wind platforms"},
       {"capture steadier winds far from the coast", "now reach over two hundred meters tall",
        "produce power mostly at night and in winter", "open deep waters to development"},
       {"which complements solar production nicely", "according to the latest industry reports",
        "despite supply chain problems", "in the North Sea and off Asia"}},
      {{"Transmission lines", "The electricity grid", "High voltage direct current cables",
        "Interconnectors between countries"},
       {"are the real bottleneck for new projects", "need massive investment this decade",
        "move renewable power across long distances", "take ten years to permit and build"},
       {"because planning rules are so slow", "so that wind in one region balances sun in another",
        "with very low losses", "which frustrates developers everywhere"}},
      {{"Heat pumps", "Electric heating in homes", "Ground source systems", "Air to water heat pumps"},
       {"deliver three units of heat for every unit of electricity", "cut household emissions dramatically",
        "work well even in cold climates", "are replacing oil and gas boilers"},
       {"when the house is properly insulated", "according to field trials in Scandinavia",
        "with the right installation and sizing", "as installer training improves"}},
      {{"Electric vehicles", "Electric buses", "Charging networks", "Vehicle to grid technology"},
       {"are becoming cheaper than petrol cars", "can act as a giant distributed battery",
        "need reliable fast chargers on highways", "shift charging to hours of cheap power"},
       {"over their full lifetime", "if drivers are paid for flexibility", "within the next few years",
        "which reduces strain on local networks"}},
      {{"Green hydrogen", "Electrolyzers", "Hydrogen for steelmaking", "Ammonia as a fuel"},
       {"only makes sense for hard to electrify sectors", "remain expensive and inefficient today",
        "could decarbonize heavy industry", "might power long distance shipping"},
       {"because direct electrification is usually cheaper", "unless electricity becomes nearly free",
        "with strong policy support", "in the coming decades"}},
      {{"Nuclear power", "Small modular reactors", "Existing reactors", "New nuclear projects"},
       {"provide steady low carbon electricity", "keep running over budget and behind schedule",
        "could be built faster in factories", "should run longer with safety upgrades"},
       {"which many grids value highly", "as the latest projects in Europe show", "if the designs are standardized",
        "because closing them early raises emissions"}},
      {{"Electricity markets", "Negative prices", "Capacity payments", "Time of use tariffs"},
       {"were designed for fuel based power plants", "appear more often on sunny windy days",
        "reward plants that are available when needed", "encourage people to shift their consumption"},
       {"and need a careful redesign", "which signals a need for more storage", "during the rare cold and dark periods",
        "with smart meters and automation"}},
      {{"Mining for critical minerals", "Lithium and copper supply", "Recycling of old batteries",
        "Rare earth magnets"},
       {"raises difficult environmental questions", "must grow quickly to meet demand",
        "can recover most valuable metals", "are concentrated in very few countries"},
       {"which creates geopolitical risks", "according to international energy agency estimates",
        "once enough batteries reach the end of life", "so diversification matters a lot"}},
      {{"Energy efficiency", "Building insulation", "Industrial process heat", "Efficient motors and pumps"},
       {"is the cheapest form of clean energy", "reduces bills and emissions at the same time",
        "is often overlooked by policy makers", "pays for itself within a few years"},
       {"yet it rarely makes headlines", "especially in older buildings", "in factories around the world",
        "when financing is available"}},
      {{"Developing countries", "Distributed solar mini grids", "Clean cooking programs", "Climate finance"},
       {"could leapfrog fossil fuel infrastructure", "bring power to remote villages",
        "save millions of lives from indoor smoke", "remains far below what was promised"},
       {"if capital becomes cheaper", "faster than extending the national grid", "with simple and affordable stoves",
        "at recent climate summits"}},
  };
  return topics;
}

const std::vector<Topic>& french() {
  static const std::vector<Topic> topics = {
      {{"Le prix des panneaux solaires", "Le coût des modules photovoltaïques", "Les installations sur les toits",
        "Les grandes centrales solaires"},
       {"a baissé de presque quatre-vingt-dix pour cent", "continue de diminuer chaque année",
        "a changé l'économie de l'électricité", "concurrence maintenant les centrales à charbon"},
       {"depuis le début des années deux mille", "grâce à une production industrielle énorme",
        "dans la plupart des pays ensoleillés", "même sans aide de l'État"}},
      {{"Le stockage par batterie", "Les cellules lithium fer phosphate", "Les batteries du réseau",
        "Les batteries domestiques"},
       {"lisse le pic de consommation du soir", "stocke l'énergie solaire bon marché de midi",
        "répond aux variations de fréquence en quelques millisecondes", "remplace les centrales à gaz coûteuses"},
       {"ce qui rend le réseau beaucoup plus stable", "pour une fraction de l'ancien prix",
        "pendant quatre heures à pleine puissance", "alors que les prix continuent de baisser"}},
      {{"Les éoliennes", "Les parcs éoliens en mer", "Les pales modernes", "Les plateformes flottantes"},
       {"captent des vents plus réguliers loin des côtes", "dépassent maintenant deux cents mètres de haut",
        "produisent surtout la nuit et en hiver", "ouvrent les eaux profondes au développement"},
       {"ce qui complète bien la production solaire", "selon les derniers rapports du secteur",
        "malgré les problèmes d'approvisionnement", "en mer du Nord et au large de l'Asie"}},
      {{"Les lignes à haute tension", "Le réseau électrique", "Les câbles à courant continu",
        "Les interconnexions entre pays"},
       {"sont le vrai goulot d'étranglement des nouveaux projets", "demandent des investissements massifs",
        "transportent l'électricité renouvelable sur de longues distances",
        "prennent dix ans à autoriser et construire"},
       {"parce que les procédures sont très lentes", "pour que le vent d'une région équilibre le soleil d'une autre",
        "avec très peu de pertes", "ce qui agace les promoteurs partout"}},
      {{"Les pompes à chaleur", "Le chauffage électrique des logements", "Les systèmes géothermiques",
        "Les pompes à chaleur air eau"},
       {"fournissent trois unités de chaleur pour une unité d'électricité",
        "réduisent fortement les émissions des ménages", "fonctionnent bien même dans les climats froids",
        "remplacent les chaudières au fioul et au gaz"},
       {"quand la maison est bien isolée", "selon des essais menés en Scandinavie",
        "avec une installation bien dimensionnée", "à mesure que la formation des installateurs progresse"}},
      {{"Les voitures électriques", "Les bus électriques", "Les réseaux de recharge", "La recharge bidirectionnelle"},
       {"deviennent moins chères que les voitures à essence", "peuvent servir de grande batterie répartie",
        "ont besoin de bornes rapides fiables sur les autoroutes", "déplacent la recharge vers les heures creuses"},
       {"sur toute leur durée de vie", "si les conducteurs sont payés pour leur flexibilité",
        "dans les prochaines années", "ce qui soulage les réseaux locaux"}},
      {{"L'hydrogène vert", "Les électrolyseurs", "L'hydrogène pour l'acier", "L'ammoniac comme carburant"},
       {"n'a de sens que pour les secteurs difficiles à électrifier", "restent chers et peu efficaces aujourd'hui",
        "pourrait décarboner l'industrie lourde", "pourrait alimenter le transport maritime"},
       {"parce que l'électrification directe coûte généralement moins cher",
        "sauf si l'électricité devient presque gratuite", "avec un soutien politique fort",
        "dans les décennies à venir"}},
      {{"L'énergie nucléaire", "Les petits réacteurs modulaires", "Les réacteurs existants",
        "Les nouveaux chantiers nucléaires"},
       {"fournit une électricité stable et bas carbone", "dépassent souvent leur budget et leurs délais",
        "pourraient être construits plus vite en usine",
        "devraient fonctionner plus longtemps avec des travaux de sûreté"},
       {"ce que beaucoup de réseaux apprécient", "comme le montrent les derniers projets en Europe",
        "si les modèles sont standardisés", "parce que les fermer trop tôt augmente les émissions"}},
  };
  return topics;
}

std::string lower_ascii(std::string s) {
  for (auto& c : s)
    if (static_cast<unsigned char>(c) < 0x80) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

SummaryInput generate_transcript(const GenOptions& o) {
  std::mt19937 rng(o.seed);
  const auto& topics = o.language == "fr" ? french() : english();
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  const std::vector<std::string> openers_en = {"So ", "Now, ", "And ", "Honestly, ", "Remember that ", "", "", ""};
  const std::vector<std::string> openers_fr = {"Alors, ", "Donc ", "Et ", "En fait, ", "", "", ""};
  const auto& openers = o.language == "fr" ? openers_fr : openers_en;

  int total_words = o.minutes * 150;
  int words = 0;
  std::vector<std::string> sentences;
  size_t topic = 0;
  int per_topic = std::max(60, total_words / static_cast<int>(topics.size()));
  int in_topic = 0;
  while (words < total_words) {
    const Topic& t = topics[topic % topics.size()];
    std::string opener = pick(openers);
    std::string subject = pick(t.subjects);
    // "So the cost ..." rather than "So The cost ...".
    if (!opener.empty()) subject[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(subject[0])));
    std::string s = opener + subject + " " + pick(t.predicates) + " " + pick(t.tails) + ".";
    sentences.push_back(s);
    int n = static_cast<int>(std::count(s.begin(), s.end(), ' ')) + 1;
    words += n;
    in_topic += n;
    if (in_topic >= per_topic) {
      ++topic;
      in_topic = 0;
    }
  }

  SummaryInput in;
  in.title = o.language == "fr" ? "La transition énergétique expliquée" : "The energy transition explained";
  in.duration_seconds = o.minutes * 60;
  in.transcript_language = "";
  // Cut the word stream into caption segments with start times.
  std::vector<std::string> stream;
  for (auto& s : sentences) {
    std::string cur;
    for (char c : s + " ") {
      if (c == ' ') {
        if (!cur.empty()) stream.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
  }
  double seconds_per_word = static_cast<double>(in.duration_seconds) / std::max<size_t>(stream.size(), 1);
  size_t i = 0;
  while (i < stream.size()) {
    size_t len = 6 + rng() % 7;
    Segment seg;
    seg.start_seconds = i * seconds_per_word;
    for (size_t k = i; k < std::min(stream.size(), i + len); ++k) {
      std::string w = stream[k];
      if (o.auto_captions) {
        w = lower_ascii(w);
        while (!w.empty() && (w.back() == '.' || w.back() == ',')) w.pop_back();
        if (rng() % 40 == 0) seg.text += seg.text.empty() ? "um " : " um";
      }
      seg.text += (seg.text.empty() || seg.text.back() == ' ' ? "" : " ") + w;
    }
    if (o.auto_captions && rng() % 60 == 0) seg.text = "[Music] " + seg.text;
    in.segments.push_back(seg);
    i += len;
  }
  in.text.clear();
  return in;
}

}  // namespace td::summarize::testing
