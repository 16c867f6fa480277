#include "catalog/catalog.h"

#include "alerts/statements.h"
#include "store/statements.h"
#include "telegram/state.h"

namespace td::catalog {

void prepare(pqxx::connection_base& conn) {
  store::prepare(conn);
  alerts::prepare(conn);
  telegram::prepare(conn);
}

}  // namespace td::catalog
