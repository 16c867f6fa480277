// GET /healthz, /readyz, /api/metrics, /metrics.
#include "db/migrate.h"
#include "gateway/api.h"
#include "gateway/db_pool.h"
#include "gateway/metrics_view.h"
#include "httpserve/prometheus.h"
#include "httpserve/routes.h"

namespace td::gateway {

void install_health_routes(httpserve::Router& r, ApiContext& ctx) {
  // The process is up and serving: no database call, so an orchestrator
  // does not restart gateways because Postgres is down.
  r.get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });

  // Ready: Postgres answers and every migration this binary knows is applied.
  r.get("/readyz", [&ctx](const httplib::Request&, httplib::Response& res) {
    std::vector<int> pending;
    try {
      ctx.pool.run([&](pqxx::connection& c) { pending = db::pending_migrations(c); });
    } catch (const std::exception& e) {
      res.set_header("Retry-After", "1");
      return send_json(res, 503, {{"status", "not_ready"}, {"error", std::string("database: ") + e.what()}});
    }
    if (!pending.empty()) {
      res.set_header("Retry-After", "5");
      return send_json(res, 503,
                       {{"status", "not_ready"}, {"error", "migrations pending"}, {"pending_migrations", pending}});
    }
    send_json(res, 200, {{"status", "ready"}});
  });

  r.get("/api/metrics", guarded([&ctx](const httplib::Request&, httplib::Response& res) {
          auto m = ctx.metrics.get();
          res.set_header("Cache-Control", "no-store");
          res.set_content(m->json, "application/json");
        }));
  r.get("/metrics", guarded([&ctx](const httplib::Request&, httplib::Response& res) {
          auto m = ctx.metrics.get();
          res.set_content(m->prometheus, httpserve::PrometheusWriter::content_type());
        }));
}

}  // namespace td::gateway
