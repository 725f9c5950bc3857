#include "common/audit/audit_sink.h"

namespace dsfl::audit {
namespace {

class ValidatingNullSink final : public AuditSink {
 public:
  Status Record(const AuditEvent& event) override {
    return ValidateAuditEvent(event);
  }
};

}  // namespace

AuditSink& NullAuditSink() {
  static ValidatingNullSink* sink = new ValidatingNullSink();
  return *sink;
}

Status MemoryAuditSink::Record(const AuditEvent& event) {
  DSFL_RETURN_IF_ERROR(ValidateAuditEvent(event));
  std::lock_guard<std::mutex> lock(mu_);
  events_.push_back(event);
  return absl::OkStatus();
}

std::vector<AuditEvent> MemoryAuditSink::events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

std::vector<AuditEvent> MemoryAuditSink::events(const std::string& type) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AuditEvent> out;
  for (const AuditEvent& e : events_) {
    if (e.type == type) out.push_back(e);
  }
  return out;
}

}  // namespace dsfl::audit
