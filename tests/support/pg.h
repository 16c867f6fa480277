// Test support: a PostgreSQL database of the test's own.
//
// scripts/test.sh starts a throwaway cluster and exports
// TUBEDIGEST_TEST_DATABASE_URL (a superuser connection to it). Each
// TestDatabase creates a fresh database with a unique name, so tests never
// see each other's rows, and drops it when it goes out of scope.
#pragma once

#include <string>

namespace td::test {

// The admin URL, or a doctest failure explaining how to run the tests.
std::string admin_url();

class TestDatabase {
 public:
  explicit TestDatabase(const std::string& prefix = "t");
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

// Replaces (or adds) the dbname in a libpq URL or key=value conninfo.
std::string with_dbname(const std::string& url, const std::string& dbname);

// $TUBEDIGEST_BIN_DIR/<name> (set by ctest), for tests that start executables.
std::string bin_path(const std::string& name);
// $TUBEDIGEST_SOURCE_DIR/<relative>.
std::string source_path(const std::string& relative);

}  // namespace td::test
