// GET /api/alerts?resolved_within=24h: what is firing, what resolved lately,
// and which process evaluates (alerts/listing.h has the shape).
#include "alerts/listing.h"
#include "common/env.h"
#include "gateway/api.h"
#include "gateway/db_pool.h"
#include "httpserve/routes.h"

namespace td::gateway {

namespace {

constexpr std::chrono::seconds kDefaultResolvedWithin = std::chrono::hours(24);

std::chrono::seconds resolved_within(const httplib::Request& req) {
  if (!req.has_param("resolved_within")) return kDefaultResolvedWithin;
  if (req.get_param_value_count("resolved_within") > 1) throw HttpError(400, "give 'resolved_within' once");
  const auto& text = req.get_param_value("resolved_within");
  if (text.size() > 32) throw HttpError(400, "'resolved_within' is longer than 32 characters");
  require_text("'resolved_within'", text);
  try {
    // A bare number is seconds, as for every duration setting.
    return std::chrono::duration_cast<std::chrono::seconds>(env::parse_duration(text));
  } catch (const std::invalid_argument& e) {
    throw HttpError(400, std::string("'resolved_within': ") + e.what());
  }
}

}  // namespace

void install_alert_routes(httpserve::Router& r, ApiContext& ctx) {
  r.get("/api/alerts", guarded([&ctx](const httplib::Request& req, httplib::Response& res) {
          const auto within = resolved_within(req);
          alerts::Listing listing;
          ctx.pool.run([&](pqxx::connection& c) {
            pqxx::read_transaction tx(c);
            listing = alerts::load_listing(tx, within);
          });
          res.set_header("Cache-Control", "no-store");
          send_json(res, 200, alerts::to_json(listing));
        }));
}

}  // namespace td::gateway
