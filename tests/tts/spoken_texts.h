// Spoken-summary scripts of the kind the audio variants produce: real
// sentences in paragraphs separated by blank lines, plain text, 179 to 210
// words each. The speech-rate tests time them; keep numbers and symbols out
// (espeak says "3%" as two words the script counts as one).
#pragma once

namespace td::tts::test {

inline const char* kEnglishScript =
    "Here is a short summary of the video about the history of the bicycle. The speaker begins in the early "
    "nineteenth century, when a German inventor built a wooden running machine without pedals. Riders pushed it "
    "along with their feet, and for a few years it was a fashionable toy in the cities of Europe.\n\n"
    "Pedals arrived decades later, fixed directly to the front wheel. To go faster, makers kept enlarging that "
    "wheel, which produced the famous high wheeler. It was quick on a good road, but a sudden stop could throw "
    "the rider over the handlebars, so most people found it far too dangerous. The real change came with the "
    "safety bicycle: two wheels of equal size, a chain that drives the rear wheel, and later air filled tyres "
    "that made the ride much smoother.\n\n"
    "The second half of the video explains why the bicycle mattered so much. It gave ordinary workers a cheap "
    "way to travel beyond their own neighbourhood, it helped many women gain more independence, and it trained "
    "the mechanics who later built the first cars and aeroplanes. The speaker closes with the present day, when "
    "cities are building protected lanes again because cycling is healthy, quiet and efficient. That is the end "
    "of this summary.";

inline const char* kFrenchScript =
    "Voici un court résumé de la vidéo sur l'histoire du pain en France. L'intervenant commence par rappeler que "
    "le pain a longtemps été la base de l'alimentation. Au Moyen Âge, une famille modeste en mangeait chaque jour "
    "de grandes quantités, et le prix de la farine était une affaire politique.\n\n"
    "Il explique ensuite comment on fabrique une bonne baguette. Il faut de la farine, de l'eau, du sel et du "
    "levain ou de la levure. La pâte doit reposer longtemps pour que la mie soit légère et que la croûte devienne "
    "dorée et croustillante. Les boulangers se lèvent très tôt le matin, car les clients veulent du pain frais "
    "avant de partir au travail.\n\n"
    "La dernière partie parle des changements récents. Beaucoup de villages ont perdu leur boulangerie, et les "
    "supermarchés vendent du pain industriel moins cher. Pourtant, les artisans attirent de nouveau les jeunes, "
    "qui apprécient le goût des farines anciennes et les recettes traditionnelles. Chaque année, un concours "
    "récompense la meilleure baguette de Paris, et le gagnant fournit le palais présidentiel. C'est la fin de ce "
    "résumé.";

inline const char* kSpanishScript =
    "Este es un breve resumen del vídeo sobre los volcanes de las islas Canarias. La presentadora explica que "
    "las islas nacieron del fondo del océano hace millones de años, cuando la lava se acumuló capa tras capa "
    "hasta salir a la superficie del mar.\n\n"
    "Después describe la erupción más reciente en la isla de La Palma. Durante casi tres meses, el volcán lanzó "
    "ceniza y ríos de lava que destruyeron casas, carreteras y plantaciones de plátanos. Miles de vecinos "
    "tuvieron que abandonar sus hogares, pero gracias a la vigilancia de los científicos nadie murió por la "
    "lava. Los expertos midieron cada día los temblores y los gases para avisar a la población con tiempo.\n\n"
    "En la última parte, la presentadora habla de la vida después de la erupción. La nueva tierra volcánica es "
    "negra y todavía está caliente en algunos lugares, así que pasarán años antes de que vuelvan a crecer las "
    "plantas. Aun así, muchas familias han decidido quedarse y reconstruir su pueblo, y los turistas llegan "
    "para ver el paisaje nuevo con sus propios ojos. Aquí termina este resumen.";

}  // namespace td::tts::test
