#include "store/statements.h"

#include "events/outbox.h"
#include "metrics/metrics.h"
#include "queue/queue.h"

namespace td::store {

void prepare(pqxx::connection_base& conn) {
  queue::Queue::prepare(conn);
  events::prepare(conn);
  metrics::prepare(conn);
  const std::pair<const Statement*, size_t> groups[] = {
      {kVideoStatements, kVideoStatementCount},
      {kTranscriptStatements, kTranscriptStatementCount},
      {kSummaryStatements, kSummaryStatementCount},
      {kAudioStatements, kAudioStatementCount},
      {kReprocessStatements, kReprocessStatementCount},
      {kPauseStatements, kPauseStatementCount},
      {kMetadataCacheStatements, kMetadataCacheStatementCount},
      {kToolVersionStatements, kToolVersionStatementCount},
      {kAudioDirStatements, kAudioDirStatementCount},
      {kChunkNotesStatements, kChunkNotesStatementCount},
  };
  for (const auto& [statements, count] : groups) db::register_statements(conn, {statements, count});
}

}  // namespace td::store
