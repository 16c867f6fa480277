// What a notification says, in the two shapes receivers take. One alert per
// notification: each alert is its own group (Alertmanager's group_by: ['...']),
// so its groupKey is stable from firing to resolved and two alerts never
// share an incident on the receiver's side.
//
// Alertmanager webhook, version "4" (what Alertmanager itself POSTs; any
// receiver written for it reads this):
//   {version, groupKey, truncatedAlerts: 0, status: "firing"|"resolved",
//    receiver: "tubedigest", groupLabels, commonLabels, commonAnnotations,
//    externalURL, alerts: [{status, labels, annotations, startsAt, endsAt,
//    generatorURL, fingerprint}]}
// labels include alertname; endsAt of a firing alert is
// "0001-01-01T00:00:00Z", as Alertmanager sends it.
//
// Slack incoming webhook (Mattermost and Discord's /slack endpoint take the
// same): a one-line `text` (what notifications and clients without blocks
// show) plus `blocks`: a headline section, the annotations as fields, and a
// context line with the times.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "alerts/state.h"

namespace td::alerts {

// "[FIRING] QueueStalled kind=ingest: jobs of kind ingest are waiting ..."
std::string headline(const AlertState& s);

// `{}:{alertname="QueueStalled", kind="ingest"}`: Alertmanager's form.
std::string group_key(const AlertState& s);

nlohmann::json alertmanager_body(const AlertState& s, const std::string& external_url);
nlohmann::json slack_body(const AlertState& s, const std::string& external_url);

}  // namespace td::alerts
