#include "support/pg.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <pqxx/pqxx>
#include <regex>
#include <stdexcept>

namespace td::test {

std::string admin_url() {
  const char* url = std::getenv("TUBEDIGEST_TEST_DATABASE_URL");
  if (!url || !*url)
    throw std::runtime_error(
        "TUBEDIGEST_TEST_DATABASE_URL is not set: run the tests with scripts/test.sh, which starts a throwaway "
        "PostgreSQL and sets it");
  return url;
}

std::string with_dbname(const std::string& url, const std::string& dbname) {
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    static const std::regex re(R"(^(postgres(?:ql)?://[^/?]*)(/[^?]*)?(\?.*)?$)");
    std::smatch m;
    if (!std::regex_match(url, m, re)) throw std::runtime_error("cannot parse database URL " + url);
    return m[1].str() + "/" + dbname + m[3].str();
  }
  static const std::regex kv(R"(\bdbname\s*=\s*\S+)");
  if (std::regex_search(url, kv)) return std::regex_replace(url, kv, "dbname=" + dbname);
  return url + " dbname=" + dbname;
}

TestDatabase::TestDatabase(const std::string& prefix) {
  static std::atomic<int> counter{0};
  auto stamp = std::chrono::steady_clock::now().time_since_epoch().count() % 1000000000;
  name_ =
      "td_" + prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(stamp);
  pqxx::connection admin(admin_url());
  pqxx::nontransaction tx(admin);
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  url_ = with_dbname(admin_url(), name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection admin(admin_url());
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster is thrown away after the run anyway.
  }
}

std::string bin_path(const std::string& name) {
  const char* dir = std::getenv("TUBEDIGEST_BIN_DIR");
  return std::string(dir ? dir : "build/bin") + "/" + name;
}

std::string source_path(const std::string& relative) {
  const char* dir = std::getenv("TUBEDIGEST_SOURCE_DIR");
  return std::string(dir ? dir : ".") + "/" + relative;
}

}  // namespace td::test
