// Every named statement of the system, in one call.
//
// Each library keeps its statements next to the code that runs them and
// registers its own groups (store::prepare: the store's with the queue's,
// outbox's and metrics'; alerts::prepare;
// telegram::prepare). A connection that any part of
// the system may use (a worker slot, the gateway's pool, the CLI) is
// prepared with catalog::prepare, so no caller needs to know which library
// a statement it reaches belongs to. This library sits above the others so
// that none of them depends on another just to be listed.
#pragma once

#include <pqxx/pqxx>

namespace td::catalog {

void prepare(pqxx::connection_base& conn);

}  // namespace td::catalog
