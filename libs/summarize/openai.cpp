#include "summarize/openai.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <utility>

#include "common/env.h"
#include "common/errors.h"
#include "common/http_client.h"
#include "summarize/notes.h"
#include "summarize/prompts.h"
#include "summarize/qa.h"
#include "summarize/spec.h"
#include "summarize/text.h"
#include "summarize/wrappers.h"

namespace td::summarize {

namespace {

constexpr double kCharsPerToken = 4.0;

std::string duration_minutes(int seconds) { return std::to_string(std::max(1, (seconds + 30) / 60)); }

// Splits text into pieces of at most max_chars, at sentence ends when possible.
std::vector<std::string> chunk_text(const std::string& text, size_t max_chars) {
  std::vector<std::string> out;
  std::string current;
  for (auto& w : split_words(text)) {
    if (current.size() + w.size() + 1 > max_chars && !current.empty()) {
      out.push_back(current);
      current.clear();
    }
    append_sep(current, " ", w);
    char last = w.back();
    // Prefer to end a chunk on a sentence when it is already mostly full.
    if ((last == '.' || last == '?' || last == '!') && current.size() > max_chars * 0.9) {
      out.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

// A provider's permanent refusal (bad key, unknown model) repeats on every
// job until someone changes the configuration: say so clearly, at error
// level, the first time per process for each (base URL, status), then at
// debug, so the log shows the fix once instead of one line per job.
void log_permanent(const std::string& base_url, int status, const std::string& what) {
  static std::mutex mu;
  static std::set<std::pair<std::string, int>> seen;
  bool first;
  {
    std::lock_guard<std::mutex> lock(mu);
    first = seen.emplace(base_url, status).second;
  }
  if (first) spdlog::error("{} (logged once per process; later ones at debug level)", what);
  else spdlog::debug("{}", what);
}

// The fix, in words, for a 4xx the provider will repeat.
std::string permanent_hint(int status, const OpenAiConfig& c) {
  if (status == 401 || status == 403) return "check LLM_API_KEY for " + c.base_url;
  if (status == 404)
    return "check LLM_MODEL ('" + c.model + "') and LLM_BASE_URL (" + c.base_url +
           "): the provider knows neither that model nor that path";
  return "the provider rejects the request as sent; check LLM_MODEL ('" + c.model + "') and the LLM_* settings";
}

}  // namespace

OpenAiConfig OpenAiConfig::from_env() {
  OpenAiConfig c;
  auto base = td::env::get("LLM_BASE_URL");
  auto model = td::env::get("LLM_MODEL");
  if (!base || !model)
    throw td::PermanentError("llm_config",
                             "the openai summarizer needs LLM_BASE_URL and LLM_MODEL (e.g. "
                             "LLM_BASE_URL=http://127.0.0.1:11434/v1 LLM_MODEL=llama3.1:8b)");
  c.base_url = *base;
  c.model = *model;
  c.api_key = td::env::get_or("LLM_API_KEY", "");
  c.timeout = td::env::get_duration("LLM_TIMEOUT", c.timeout);
  c.max_attempts = static_cast<int>(std::max(1L, td::env::get_long("LLM_MAX_ATTEMPTS", c.max_attempts)));
  c.backoff.base = td::env::get_duration("LLM_RETRY_BASE", c.backoff.base);
  c.backoff.cap = td::env::get_duration("LLM_RETRY_CAP", c.backoff.cap);
  c.chunk_tokens = static_cast<int>(std::max(500L, td::env::get_long("LLM_CHUNK_TOKENS", c.chunk_tokens)));
  c.temperature = td::env::get_double("LLM_TEMPERATURE", c.temperature);
  c.prompts_dir = td::env::get_or("PROMPTS_DIR", "");
  c.max_tokens = static_cast<int>(std::max(-1L, td::env::get_long("LLM_MAX_TOKENS", c.max_tokens)));
  return c;
}

OpenAiSummarizer::OpenAiSummarizer(OpenAiConfig config, Sleeper sleep)
    : config_(std::move(config)), sleep_(std::move(sleep)) {
  if (!sleep_) sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  dir_ = config_.prompts_dir.empty() ? find_prompts_dir() : config_.prompts_dir;
}

std::string clean_model_text(std::string text) {
  for (size_t open = text.find("<think>"); open != std::string::npos; open = text.find("<think>")) {
    size_t close = text.find("</think>", open);
    text.erase(open, close == std::string::npos ? std::string::npos : close + 8 - open);
  }
  text = trim(text);
  if (text.rfind("```", 0) == 0) {
    size_t nl = text.find('\n');
    text = nl == std::string::npos ? "" : text.substr(nl + 1);
    size_t fence = text.rfind("```");
    if (fence != std::string::npos) text.erase(fence);
  }
  return trim(text);
}

int max_tokens_for(int max_words, const std::string& language) {
  double per_word = language == "en" ? 2.0 : 3.0;
  return static_cast<int>(std::ceil(std::max(0, max_words) * per_word)) + 256;
}

std::string OpenAiSummarizer::complete(const std::string& system, const std::string& user, int max_tokens) {
  nlohmann::json body = {
      {"model", config_.model},
      {"temperature", config_.temperature},
      {"messages", {{{"role", "system"}, {"content", system}}, {{"role", "user"}, {"content", user}}}}};
  if (max_tokens > 0) body["max_tokens"] = max_tokens;
  td::http::Request req;
  req.method = "POST";
  req.url = td::http::join_url(config_.base_url, "chat/completions");
  req.body = body.dump();
  req.timeout = config_.timeout;
  req.connect_timeout = std::min(config_.timeout, std::chrono::milliseconds(std::chrono::seconds(10)));
  if (!config_.api_key.empty()) req.headers["Authorization"] = "Bearer " + config_.api_key;

  for (int attempt = 1;; ++attempt) {
    ++usage_.requests;
    auto resp = td::http::send(req);
    if (resp.status >= 200 && resp.status < 300) {
      nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
      std::string snippet = resp.body.substr(0, 120);
      if (j.is_discarded())
        throw td::TransientError("llm_malformed", "LLM response from " + req.url + " is not JSON: " + snippet);
      std::string content, finish;
      try {
        const auto& choice = j.at("choices").at(0);
        const auto& c = choice.at("message").at("content");
        if (j.contains("model") && j["model"].is_string()) last_model_ = j["model"].get<std::string>();
        content = c.is_null() ? std::string() : c.get<std::string>();
        if (choice.contains("finish_reason") && choice["finish_reason"].is_string())
          finish = choice["finish_reason"].get<std::string>();
        if (j.contains("usage") && j["usage"].is_object()) {
          const auto& u = j["usage"];
          if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_integer())
            usage_.prompt_tokens += u["prompt_tokens"].get<int>();
          if (u.contains("completion_tokens") && u["completion_tokens"].is_number_integer())
            usage_.completion_tokens += u["completion_tokens"].get<int>();
        }
      } catch (const nlohmann::json::exception&) {
        throw td::TransientError("llm_malformed", "LLM response has no choices[0].message.content string: " + snippet);
      }
      // Cut off by the token budget: the end (a bottom line, the last
      // insights, the closing sentence) is missing, and what is there may
      // still pass every check. Never an accepted answer.
      if (finish == "length") {
        bool thinking = content.find("<think>") != std::string::npos && content.find("</think>") == std::string::npos;
        throw td::PermanentError(
            "truncated", "LLM answer cut off (finish_reason \"length\", max_tokens " +
                             (max_tokens > 0 ? std::to_string(max_tokens) : std::string("not sent")) + ") after " +
                             std::to_string(count_words(clean_model_text(content))) + " words" +
                             (thinking ? ", still inside <think>" : "") +
                             "; a model that thinks first needs a higher LLM_MAX_TOKENS");
      }
      return content;
    }
    if (!resp.retryable()) {
      bool auth = resp.status == 401 || resp.status == 403;
      std::string what =
          std::string(auth ? "LLM provider refused the request: " : "LLM provider rejected the request: ") +
          resp.describe() + "; " + permanent_hint(resp.status, config_);
      log_permanent(config_.base_url, resp.status, what);
      throw td::PermanentError(auth ? "llm_auth" : "llm_request", what);
    }
    if (attempt >= config_.max_attempts)
      throw td::TransientError("llm_unavailable",
                               "LLM provider failed " + std::to_string(attempt) + " times, last: " + resp.describe());
    auto wait = config_.backoff.delay(attempt);
    // 429 (slow down) and 503 (overloaded, back in a while) both say when to come back.
    if (resp.status == 429 || resp.status == 503) {
      if (auto ra = resp.retry_after()) {
        if (*ra > config_.max_retry_after)
          throw td::TransientError("llm_rate_limited", "LLM provider asks to wait " +
                                                           std::to_string(ra->count() / 1000) + " s, over the cap");
        wait = *ra;
      }
    }
    spdlog::warn("llm request failed attempt={} status={} retry_in_ms={} error={}", attempt, resp.status, wait.count(),
                 resp.describe());
    sleep_(wait);
  }
}

int OpenAiSummarizer::budget(int max_words, const std::string& language) const {
  if (config_.max_tokens >= 0) return config_.max_tokens;
  return max_tokens_for(max_words, language);
}

std::string OpenAiSummarizer::notes_for(const SummaryInput& input, const std::string& transcript) {
  auto tpl = load_prompt(dir_, "chunk-notes");
  size_t max_chars = static_cast<size_t>(config_.chunk_tokens * kCharsPerToken);
  // The transcript's own language, not the variant's: one set of notes
  // serves comprehensive and audio-fr alike (the variant prompt translates).
  std::string language = input.transcript_language.empty() ? "the same as the transcript" : input.transcript_language;
  int max_words = std::max(120, static_cast<int>(max_chars / kCharsPerToken / 3));
  int tokens = budget(max_words, input.transcript_language);
  std::string text = transcript;
  // Map, then reduce the notes again while they still exceed the budget
  // (three levels cover far more than any video).
  for (int level = 0; level < 3 && text.size() > max_chars; ++level) {
    auto chunks = chunk_text(text, max_chars);
    std::string notes;
    for (size_t i = 0; i < chunks.size(); ++i) {
      std::map<std::string, std::string> values = {
          {"part", std::to_string(i + 1)},
          {"parts", std::to_string(chunks.size())},
          {"title", input.title},
          {"language", language},
          {"max_words", std::to_string(max_words)},
          {"transcript_label", level == 0 ? "Transcript" : "Notes on the transcript"},
          {"transcript", chunks[i]}};
      std::string system = fill_placeholders(tpl.system, values), user = fill_placeholders(tpl.user, values);
      NotesRequest request{notes_key(config_.model, system, user, tokens), level, static_cast<int>(i + 1),
                           static_cast<int>(chunks.size()), tpl.version};
      bool made = false;
      auto make = [&] {
        made = true;
        Notes n{strip_wrappers(clean_model_text(complete(system, user, tokens))).text, ""};
        n.model = answering_model();
        // Kept notes are read by every later variant: an empty answer must
        // not become the video's notes for good.
        if (n.text.empty())
          throw td::TransientError("llm_empty", "LLM answered chunk " + std::to_string(i + 1) + " of " +
                                                    std::to_string(chunks.size()) + " with empty notes");
        return n;
      };
      Notes n = input.notes_store ? input.notes_store->notes(request, make) : make();
      ++(made ? usage_.notes_made : usage_.notes_reused);
      append_sep(notes, "\n\n", n.text);
    }
    text = notes;
  }
  return text;
}

SummaryOutput OpenAiSummarizer::summarize(const SummaryInput& input, const Variant& variant, const Attempt& attempt) {
  const auto& spec = spec_for(variant);
  auto tpl = load_prompt(dir_, variant.base);
  std::string language = output_language(input, variant);
  std::string transcript = transcript_text(input);
  int duration = effective_duration(input);
  auto target = target_for(spec, variant, duration, count_words(transcript));
  auto rule = level_rule(spec, variant);

  Usage before = usage_;
  std::string version = tpl.version;
  bool from_notes = false;  // the reduce step: what the model reads are notes, not the transcript
  if (transcript.size() > config_.chunk_tokens * kCharsPerToken) {
    transcript = notes_for(input, transcript);
    version += "+chunk-notes";
    from_notes = true;
  }
  std::string failures;
  for (auto& f : attempt.previous_failures) append_sep(failures, "; ", f);
  std::map<std::string, std::string> values = {
      {"title", input.title},
      {"duration_minutes", duration_minutes(duration)},
      {"language", language.empty() ? "the same as the transcript" : language},
      {"min_words", std::to_string(target.words.min)},
      {"max_words", std::to_string(target.words.max)},
      {"min_items", std::to_string(target.min_items)},
      {"max_items", std::to_string(target.max_items)},
      {"max_item_words", std::to_string(spec.max_item_words)},
      {"bottom_line_label", bottom_line_label(language)},
      {"level", level_name(variant.effective_level())},
      {"cefr", rule.cefr},
      {"glossary_terms", std::to_string(rule.glossary_terms)},
      {"failures", failures.empty() ? "it did not meet the rules" : failures},
      {"transcript_label", from_notes ? "Notes on the transcript, written part by part (the video was too long to "
                                        "send whole)"
                                      : "Transcript"},
      {"transcript", transcript}};
  std::string user = fill_placeholders(tpl.user, values);
  if (attempt.strict && !tpl.strict.empty()) user += "\n\n" + fill_placeholders(tpl.strict, values);

  // The budget follows the band's range, not the range relaxed for a short
  // source: an answer over it fails word_range (and gets its strict re-run),
  // not the cut-off.
  int max_words = band_for(spec, duration).words.max;
  std::string answer_language = language.empty() ? input.transcript_language : language;
  SummaryOutput out;
  auto unwrapped = strip_wrappers(
      clean_model_text(complete(fill_placeholders(tpl.system, values), user, budget(max_words, answer_language))));
  if (!unwrapped.removed.empty()) {
    std::string removed;
    for (auto& r : unwrapped.removed) append_sep(removed, " | ", r);
    spdlog::info("llm answer unwrapped variant={} removed=\"{}\"", variant.name(), removed);
  }
  out.text = unwrapped.text;
  out.language = language;
  out.provider = "openai";
  out.model = answering_model();
  out.prompt_version = version;
  out.usage = {usage_.requests - before.requests, usage_.prompt_tokens - before.prompt_tokens,
               usage_.completion_tokens - before.completion_tokens, usage_.notes_made - before.notes_made,
               usage_.notes_reused - before.notes_reused};
  if (target.short_source) out.flags.push_back("short_source");
  return out;
}

}  // namespace td::summarize
