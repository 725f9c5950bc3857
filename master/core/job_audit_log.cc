#include "master/core/job_audit_log.h"

#include <filesystem>
#include <system_error>

namespace dsfl::master {

StatusOr<std::unique_ptr<audit::AuditLog>> OpenJobAuditLog(
    const std::string& output_dir) {
  std::error_code ec;
  std::filesystem::create_directories(output_dir, ec);
  const std::filesystem::path dir(output_dir);
  return audit::OpenNodeAuditLog((dir / "audit.jsonl").string(),
                                 (dir / "audit-key.pem").string(), "master");
}

}  // namespace dsfl::master
