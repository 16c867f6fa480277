#include "telegram/router.h"

#include <algorithm>

#include "common/errors.h"
#include "common/log.h"
#include "common/quote.h"
#include "metrics/metrics.h"
#include "store/pipeline.h"
#include "telegram/outbox.h"
#include "telegram/state.h"
#include "youtube/link.h"

namespace td::telegram {

namespace {

using json = nlohmann::json;

bool looks_like_link(const std::string& w) { return w.find("youtu") != std::string::npos || w.rfind("yt:", 0) == 0; }

// Punctuation people put around a link in a sentence: "(https://youtu.be/x),".
std::string strip_punctuation(const std::string& w) {
  const std::string around = "()[]<>{}\"'.,;:!?«»";
  size_t b = 0, e = w.size();
  while (b < e && around.find(w[b]) != std::string::npos) ++b;
  while (e > b && around.find(w[e - 1]) != std::string::npos && w[e - 1] != '/') --e;
  return w.substr(b, e - b);
}

std::string help_text(const Settings& s) {
  std::string variants;
  for (const auto& v : s.default_variants) variants += (variants.empty() ? "" : ", ") + v;
  return "<b>tubedigest</b> turns YouTube videos into summaries and spoken MP3s.\n\n"
         "Send me one or more YouTube links (any form: watch, youtu.be, shorts, live, or yt:&lt;id&gt;) and I "
         "queue each one (" +
         escape_html(variants) +
         ").\n\n"
         "/help shows this.";
}

}  // namespace

std::vector<std::string> links_in(const json& message) {
  std::vector<std::string> out;
  auto add = [&](const std::string& link) {
    if (!link.empty() && std::find(out.begin(), out.end(), link) == out.end()) out.push_back(link);
  };
  for (const char* field : {"entities", "caption_entities"}) {
    if (!message.contains(field) || !message[field].is_array()) continue;
    for (const auto& e : message[field])
      if (e.value("type", "") == "text_link" && e.contains("url") && e["url"].is_string())
        add(e["url"].get<std::string>());
  }
  for (const char* field : {"text", "caption"}) {
    if (!message.contains(field) || !message[field].is_string()) continue;
    const std::string text = message[field];
    size_t i = 0;
    while (i < text.size()) {
      auto b = text.find_first_not_of(" \t\r\n", i);
      if (b == std::string::npos) break;
      auto e = text.find_first_of(" \t\r\n", b);
      auto word = strip_punctuation(text.substr(b, e == std::string::npos ? std::string::npos : e - b));
      if (looks_like_link(word)) add(word);
      i = e == std::string::npos ? text.size() : e;
    }
  }
  return out;
}

Handled handle_update(pqxx::transaction_base& tx, const Settings& settings, const queue::Queue& queue,
                      const json& update) {
  Handled h;
  if (!update.contains("message") || !update["message"].is_object()) return h;
  const json& m = update["message"];
  if (!m.contains("chat") || !m["chat"].contains("id") || !m.contains("from") || !m["from"].contains("id")) return h;
  const int64_t chat = m["chat"]["id"].get<int64_t>();
  const int64_t user = m["from"]["id"].get<int64_t>();
  const int64_t bot = settings.bot_id();
  h.chat_id = chat;
  mark_reachable(tx, bot, chat);  // it wrote to us: it can be written to

  if (!settings.allowed(user)) {
    h.refused = true;
    metrics::increment(tx, "telegram_refusals");
    queue_message(tx, queue, bot, chat,
                  "Sorry, this bot only answers the people its owner lets in. Your Telegram user id is <code>" +
                      std::to_string(user) + "</code>: ask the owner to add it to TELEGRAM_ALLOWED_USERS.");
    spdlog::info("telegram: refused user {} in chat {}", user, chat);
    return h;
  }

  const std::string text = m.value("text", m.value("caption", ""));
  const std::string command = text.rfind('/', 0) == 0 ? text.substr(0, text.find_first_of(" @\n")) : "";
  if (command == "/start" || command == "/help") {
    queue_message(tx, queue, bot, chat, help_text(settings));
    return h;
  }

  auto links = links_in(m);
  if (links.empty()) {
    queue_message(tx, queue, bot, chat, "Send me a YouTube link and I will summarize the video. /help says more.");
    return h;
  }
  for (const auto& link : links) {
    std::string key;
    try {
      key = youtube::canonical_key(link);
    } catch (const PermanentError& e) {
      queue_message(tx, queue, bot, chat,
                    "I cannot take <code>" + escape_html(link) + "</code>: " + escape_html(e.what()));
      continue;
    }
    store::IngestRequest r{key, youtube::watch_url(youtube::id_of_key(key)), settings.default_variants, std::nullopt,
                           false};
    auto e = store::enqueue_ingest(tx, queue, r);
    h.queued.push_back(key);
    std::string variants;
    for (const auto& v : settings.default_variants) variants += (variants.empty() ? "" : ", ") + v;
    queue_message(tx, queue, bot, chat,
                  std::string(e.created ? "Queued" : "Already on its way") + ": <code>" + key + "</code> (" +
                      escape_html(variants) + ").");
    spdlog::info("telegram: chat {} submitted video={} job={} created={}", chat, key, e.id, e.created);
  }
  return h;
}

}  // namespace td::telegram
