// LeaderLease: one holder at a time in the whole deployment, chosen through
// PostgreSQL (schema/010_alerts.sql, leader_leases).
//
// Every process that could evaluate alerts calls try_acquire() once per
// evaluation interval with the same name and its own holder id. The call
// takes the lease when it is free or expired, renews it when the caller
// already holds it, and otherwise leaves it alone, all in one statement, in
// database time (now()), so clocks of different hosts never matter. A holder
// that dies stops renewing; once its lease expires (TTL = 2 evaluation
// intervals) the next caller takes over.
//
// Exactness: run try_acquire() in the same transaction as the work it guards
// (the evaluation and state::apply). The statement locks the lease row until
// that transaction ends, so a second process calling try_acquire() waits for
// the holder's commit and then sees the renewed lease: two evaluations never
// overlap, even when a holder stalled past its TTL. A holder whose
// transaction fails (connection lost) simply loses the lease on expiry.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <pqxx/pqxx>

namespace td::alerts {

// The lease of the alert evaluator (one per deployment).
inline constexpr const char* kEvaluatorLease = "alerts";

class LeaderLease {
 public:
  // `name` is what is led ("alerts"); `holder` identifies this process and
  // must be unique across the deployment (e.g. host:pid:random).
  LeaderLease(std::string name, std::string holder, std::chrono::milliseconds ttl);

  // True when this holder holds the lease afterwards (newly taken or
  // renewed for another TTL from now); false when another holder's lease is
  // still in force.
  bool try_acquire(pqxx::transaction_base& tx) const;

  // Gives the lease up (a clean shutdown), so another process need not wait
  // for the TTL. Does nothing when another holder has it by now.
  void release(pqxx::transaction_base& tx) const;

  // The holder whose lease is in force, if any (for status pages and tests).
  std::optional<std::string> current_holder(pqxx::transaction_base& tx) const;

  const std::string& holder() const { return holder_; }

 private:
  std::string name_;
  std::string holder_;
  std::chrono::milliseconds ttl_;
};

}  // namespace td::alerts
