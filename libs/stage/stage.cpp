#include "stage/stage.h"

#include "stage/failure.h"

namespace td::stage {

worker::Handler install(Stage& stage, worker::Options& options) {
  const Names& names = stage.names();
  if (options.kinds.empty()) options.kinds = {names.kind};
  options.stage = names.name;
  options.on_failure = [&names](pqxx::transaction_base& tx, const queue::Job& job, const worker::Failure& failure) {
    announce_failure(tx, names, job, failure);
  };
  return [&stage](worker::JobContext& ctx) { stage.handle(ctx); };
}

}  // namespace td::stage
