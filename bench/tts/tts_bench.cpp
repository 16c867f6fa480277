// tts_bench: real-time factor of the offline engine (espeak-ng + LAME).
//
// For English, French and Spanish scripts of exactly 300 words it measures,
// over several runs, seconds of audio produced per second of wall time. The
// whole pipeline (cleaning, synthesis, pacing, MP3 encoding) runs on the
// calling thread, so this is a one-core figure. Prints a table of medians;
// with --json the last line is one JSON object whose `realtime_factor` is the
// slowest language's median.
//
// It also shows what pacing costs and gives: `first_ms` is the first call
// per language (espeak loads the voice, and the pace for TTS_RATE is found
// from scratch, usually in two or three passes over the script); later
// calls start from the remembered pace, usually one pass. `wpm` is the
// measured rate (300 words over the audio's length), to compare with TTS_RATE.
//
//   tts_bench [--runs N] [--json]      (TTS_MP3_KBPS, TTS_RATE... apply)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tts/espeak_engine.h"

namespace {

const char* kEnglish =
    "The video explains how small daily habits shape our lives far more than occasional big decisions. "
    "The speaker starts with a simple observation: most people overestimate what they can change in a week "
    "and underestimate what they can change in a year. Reading ten pages every evening, walking for twenty "
    "minutes after lunch, or writing down three priorities each morning seem trivial on their own. Yet after "
    "twelve months these choices add up to dozens of books, hundreds of kilometres and a clearer sense of "
    "direction. The second part covers how to make habits stick. Tie a new habit to an existing routine, make "
    "the first step so easy that skipping it feels silly, and track progress where you can see it. Missing one "
    "day is normal; missing two in a row is the start of a new habit. Finally, the speaker warns against "
    "perfectionism and suggests reviewing your habits every month to keep only those that still serve you.";
const char* kFrench =
    "La vidéo explique comment de petites habitudes quotidiennes façonnent nos vies bien plus que les grandes "
    "décisions occasionnelles. L'intervenant part d'une observation simple : la plupart des gens surestiment ce "
    "qu'ils peuvent changer en une semaine et sous-estiment ce qu'ils peuvent changer en un an. Lire dix pages "
    "chaque soir, marcher vingt minutes après le déjeuner ou noter trois priorités chaque matin semblent "
    "insignifiants. Pourtant, au bout de douze mois, ces choix représentent des dizaines de livres, des centaines "
    "de kilomètres et une idée plus claire de la direction à prendre. La deuxième partie explique comment faire "
    "durer une habitude. Il faut l'associer à une routine existante, rendre le premier pas si facile qu'il serait "
    "ridicule de l'éviter, et suivre ses progrès là où on les voit. Manquer un jour est normal ; manquer deux "
    "jours de suite, c'est commencer une nouvelle habitude. Enfin, l'intervenant met en garde contre le "
    "perfectionnisme.";
const char* kSpanish =
    "El vídeo explica cómo los pequeños hábitos diarios moldean nuestras vidas mucho más que las grandes "
    "decisiones ocasionales. El ponente parte de una observación sencilla: la mayoría de las personas sobrestima "
    "lo que puede cambiar en una semana y subestima lo que puede cambiar en un año. Leer diez páginas cada noche, "
    "caminar veinte minutos después de comer o anotar tres prioridades cada mañana parecen gestos sin "
    "importancia. Sin embargo, al cabo de doce meses, estas elecciones suman decenas de libros, cientos de "
    "kilómetros y una idea más clara del rumbo que queremos tomar. La segunda parte trata de cómo lograr que un "
    "hábito perdure. Conviene unirlo a una rutina existente, hacer que el primer paso sea tan fácil que saltarlo "
    "resulte absurdo y registrar el progreso en un lugar visible. Fallar un día es normal; fallar dos días "
    "seguidos es empezar un hábito nuevo. Por último, el ponente advierte contra el perfeccionismo.";

// Exactly `n` words, cycling through the text.
std::string words(const char* text, int n) {
  std::vector<std::string> all;
  std::istringstream in(text);
  for (std::string w; in >> w;) all.push_back(w);
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i) out += ' ';
    out += all[size_t(i) % all.size()];
  }
  if (out.back() != '.') out += '.';
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 7;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--json")) json = true;
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--database-url") && i + 1 < argc) ++i;  // scripts/bench.sh passes it to all
    else {
      std::fprintf(stderr, "usage: %s [--runs N] [--json]\n", argv[0]);
      return 2;
    }
  }
  try {
    td::tts::EspeakEngine engine{td::tts::EspeakOptions::from_env()};
    struct Lang {
      const char* code;
      const char* text;
    };
    const Lang langs[] = {{"en", kEnglish}, {"fr", kFrench}, {"es", kSpanish}};
    nlohmann::json per_language = nlohmann::json::object();
    double slowest = 0;
    bool first = true;
    std::printf("%-4s %6s %6s %9s %10s %10s %10s %9s %9s %9s\n", "lang", "words", "wpm", "audio_s", "first_ms",
                "wall_ms", "cpu_ms", "rtf_med", "rtf_min", "mp3_kB");
    for (const auto& lang : langs) {
      std::string script = words(lang.text, 300);
      td::tts::SpeechRequest request{lang.code};
      auto f0 = std::chrono::steady_clock::now();
      engine.synthesize(script, request);  // warm-up: espeak loads its dictionaries once, the pace is found
      double first_call = std::chrono::duration<double>(std::chrono::steady_clock::now() - f0).count();
      std::vector<double> rtf, wall, cpu;
      double audio_seconds = 0;
      size_t bytes = 0;
      for (int r = 0; r < runs; ++r) {
        double c0 = thread_cpu_seconds();
        auto t0 = std::chrono::steady_clock::now();
        auto audio = engine.synthesize(script, request);
        double w = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        cpu.push_back(thread_cpu_seconds() - c0);
        wall.push_back(w);
        rtf.push_back(audio.duration_seconds / w);
        audio_seconds = audio.duration_seconds;
        bytes = audio.bytes.size();
      }
      double med = median(rtf);
      double wpm = 300 * 60.0 / audio_seconds;
      std::printf("%-4s %6d %6.0f %9.1f %10.1f %10.1f %10.1f %8.0fx %8.0fx %9.1f\n", lang.code, 300, wpm, audio_seconds,
                  first_call * 1000, median(wall) * 1000, median(cpu) * 1000, med,
                  *std::min_element(rtf.begin(), rtf.end()), bytes / 1024.0);
      per_language[lang.code] = {{"words", 300},
                                 {"words_per_minute", wpm},
                                 {"audio_seconds", audio_seconds},
                                 {"first_call_seconds", first_call},
                                 {"wall_seconds_median", median(wall)},
                                 {"cpu_seconds_median", median(cpu)},
                                 {"realtime_factor", med},
                                 {"realtime_factor_min", *std::min_element(rtf.begin(), rtf.end())},
                                 {"mp3_bytes", bytes}};
      if (first || med < slowest) slowest = med;
      first = false;
    }
    std::printf("slowest language: %.0fx real time (target >= 100x), %d runs each, mp3 %d kbit/s, TTS_RATE %d wpm\n",
                slowest, runs, engine.options().mp3_kbps, engine.options().rate_plain);
    if (json) {
      nlohmann::json out = {{"benchmark", "tts_bench"},
                            {"engine", "espeak"},
                            {"runs", runs},
                            {"mp3_kbps", engine.options().mp3_kbps},
                            {"words_per_minute_setting", engine.options().rate_plain},
                            {"realtime_factor", slowest},
                            {"target", 100},
                            {"languages", per_language}};
      std::printf("%s\n", out.dump().c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tts_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
