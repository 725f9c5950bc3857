// AuditSink: where master and slave code send audit events. Code that must
// audit takes an AuditSink& (never owning it) and calls Record() BEFORE the
// action the event describes proceeds; a non-OK status means the event was
// not recorded and the action must not proceed (fail closed).
//
// Implementations:
//  - AuditLog (common/audit/audit_log.h): the signed, fsynced file log;
//  - NullAuditSink(): validates the event and drops it (tests, tools);
//  - MemoryAuditSink: validates and keeps events in memory (tests that
//    assert what was audited).
// Errors: InvalidArgument for an event not matching the catalogue
// (common/audit/audit_event.h); the file log adds I/O errors.
// Threading: every implementation here is thread-safe.
#ifndef DSFL_COMMON_AUDIT_AUDIT_SINK_H_
#define DSFL_COMMON_AUDIT_AUDIT_SINK_H_

#include <mutex>
#include <string>
#include <vector>

#include "common/audit/audit_event.h"
#include "common/status.h"

namespace dsfl::audit {

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Durably records `event` (returns after it is on stable storage).
  virtual Status Record(const AuditEvent& event) = 0;
};

// A process-wide sink that validates and discards; never null.
AuditSink& NullAuditSink();

class MemoryAuditSink final : public AuditSink {
 public:
  Status Record(const AuditEvent& event) override;
  std::vector<AuditEvent> events() const;
  // The events of one type, in order.
  std::vector<AuditEvent> events(const std::string& type) const;

 private:
  mutable std::mutex mu_;
  std::vector<AuditEvent> events_;
};

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_AUDIT_SINK_H_
