#include "alerts/payload.h"

#include <cctype>

#include "common/quote.h"
#include "common/time_format.h"

namespace td::alerts {

namespace {

using json = nlohmann::json;

// Slack caps: a section's text at 3,000 characters, a field's at 2,000, ten
// fields. Annotations can hold a long error line; cut on a UTF-8 boundary.
std::string cut(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max - 3;  // room for "..."
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

// Slack's mrkdwn reserves &, < and >, escaped as in HTML.
std::string mrkdwn(const std::string& s) { return escape_html(s); }

std::string label_text(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : " ") + k + "=" + v;
  return out;
}

std::string status_word(const AlertState& s) { return s.status == "firing" ? "FIRING" : "RESOLVED"; }

std::string generator_url(const std::string& external_url) {
  return external_url.empty() ? "" : external_url + "/api/alerts";
}

json labels_with_name(const AlertState& s) {
  json labels = s.alert.labels;
  labels["alertname"] = s.alert.alertname;
  return labels;
}

}  // namespace

std::string headline(const AlertState& s) {
  std::string out = "[" + status_word(s) + "] " + s.alert.alertname;
  if (!s.alert.labels.empty()) out += " " + label_text(s.alert.labels);
  if (auto it = s.alert.annotations.find("summary"); it != s.alert.annotations.end()) out += ": " + it->second;
  return cut(one_line(out), 300);
}

std::string group_key(const AlertState& s) {
  Labels all = s.alert.labels;
  all["alertname"] = s.alert.alertname;
  std::string out = "{}:{";
  bool first = true;
  for (const auto& [k, v] : all) {
    out += (first ? "" : ", ") + k + "=\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
    first = false;
  }
  return out + "}";
}

json alertmanager_body(const AlertState& s, const std::string& external_url) {
  json labels = labels_with_name(s);
  json annotations = s.alert.annotations;
  json alert = {{"status", s.status},
                {"labels", labels},
                {"annotations", annotations},
                {"startsAt", iso8601(s.starts_at)},
                {"endsAt", s.ends_at ? iso8601(*s.ends_at) : "0001-01-01T00:00:00Z"},
                {"generatorURL", generator_url(external_url)},
                {"fingerprint", s.fingerprint}};
  return {{"version", "4"},
          {"groupKey", group_key(s)},
          {"truncatedAlerts", 0},
          {"status", s.status},
          {"receiver", "tubedigest"},
          {"groupLabels", labels},
          {"commonLabels", labels},
          {"commonAnnotations", annotations},
          {"externalURL", external_url},
          {"alerts", json::array({alert})}};
}

json slack_body(const AlertState& s, const std::string& external_url) {
  const bool firing = s.status == "firing";
  std::string head = std::string(firing ? ":rotating_light:" : ":white_check_mark:") + " *" + status_word(s) + "* · *" +
                     mrkdwn(s.alert.alertname) + "*";
  if (!s.alert.labels.empty()) head += " `" + mrkdwn(label_text(s.alert.labels)) + "`";
  if (auto it = s.alert.annotations.find("summary"); it != s.alert.annotations.end()) head += "\n" + mrkdwn(it->second);

  json blocks = json::array();
  blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", cut(head, 3000)}}}});
  json fields = json::array();
  for (const auto& [k, v] : s.alert.annotations) {
    if (k == "summary" || v.empty() || fields.size() == 10) continue;
    fields.push_back({{"type", "mrkdwn"}, {"text", cut("*" + mrkdwn(k) + "*\n" + mrkdwn(v), 2000)}});
  }
  if (!fields.empty()) blocks.push_back({{"type", "section"}, {"fields", fields}});
  std::string context = "since " + iso8601(s.starts_at);
  if (s.ends_at) context += " · ended " + iso8601(*s.ends_at);
  context += " · fingerprint " + s.fingerprint;
  if (!external_url.empty()) context += " · <" + generator_url(external_url) + "|alerts>";
  blocks.push_back({{"type", "context"}, {"elements", json::array({{{"type", "mrkdwn"}, {"text", context}}})}});
  return {{"text", headline(s)}, {"blocks", blocks}};
}

}  // namespace td::alerts
