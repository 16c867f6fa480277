// The store's named statements, registered on a connection by prepare().
// Each .cpp of this library keeps its own statements next to its code and
// lists them here through register_statements().
#pragma once

#include <cstddef>

#include <pqxx/pqxx>

#include "db/statements.h"

namespace td::store {

using db::Statement;

// Each group is defined next to the code that uses it (videos.cpp, ...).
// Declared extern here so those const definitions have external linkage.
extern const Statement kVideoStatements[], kTranscriptStatements[], kSummaryStatements[], kAudioStatements[],
    kReprocessStatements[], kPauseStatements[], kMetadataCacheStatements[], kToolVersionStatements[],
    kAudioDirStatements[], kChunkNotesStatements[];
extern const size_t kVideoStatementCount, kTranscriptStatementCount, kSummaryStatementCount, kAudioStatementCount,
    kReprocessStatementCount, kPauseStatementCount, kMetadataCacheStatementCount, kToolVersionStatementCount,
    kAudioDirStatementCount, kChunkNotesStatementCount;

// Registers every statement of libs/store (and of the queue, events and
// metrics libraries it builds on) on `conn`.
void prepare(pqxx::connection_base& conn);

}  // namespace td::store
