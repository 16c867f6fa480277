#include <doctest/doctest.h>

#include <cstdlib>

#include "db/connection.h"

TEST_CASE("A connect timeout is added unless one is set") {
  unsetenv("PGCONNECT_TIMEOUT");
  CHECK(td::db::with_connect_timeout("postgresql://u@h:5/db") == "postgresql://u@h:5/db?connect_timeout=10");
  CHECK(td::db::with_connect_timeout("postgresql://u@h/db?sslmode=disable") ==
        "postgresql://u@h/db?sslmode=disable&connect_timeout=10");
  CHECK(td::db::with_connect_timeout("host=h dbname=d") == "host=h dbname=d connect_timeout=10");
  CHECK(td::db::with_connect_timeout("") == "connect_timeout=10");
  CHECK(td::db::with_connect_timeout("postgres://h/d?connect_timeout=3") == "postgres://h/d?connect_timeout=3");
  setenv("PGCONNECT_TIMEOUT", "4", 1);
  CHECK(td::db::with_connect_timeout("host=h") == "host=h");
  unsetenv("PGCONNECT_TIMEOUT");
}
