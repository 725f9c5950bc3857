// dsfl audit verify|show|prove|verify-proof|model-digest: the auditor's
// offline tools for node audit logs and model files (docs/audit.md). Flag
// parsing only; the work is in common/audit/auditor_commands.h.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "common/audit/auditor_commands.h"

namespace dsfl::cli {

void AddAuditCommands(CLI::App* app, CommandContext* context) {
  CLI::App* audit = app->add_subcommand(
      "audit", "verify node audit logs, show their timeline, prove records");
  audit->require_subcommand(1);

  auto verify_args = std::make_shared<audit::VerifyCommandArgs>();
  CLI::App* verify = audit->add_subcommand(
      "verify",
      "check every hash, signature, chain link, sequence and checkpoint "
      "(exit 0 valid, 1 invalid, 2 usage)");
  verify->add_option("LOG", verify_args->logs, "audit log(s), e.g. audit.jsonl")
      ->required();
  verify->add_option("--key", verify_args->keys,
                     "pin the node's Ed25519 public key (PEM); once for all "
                     "logs or once per LOG");
  verify->add_option("--did-doc", verify_args->did_docs,
                     "pin the keys of a DID document (Ed25519 publicKeyJwk)");
  verify->add_option("--checkpoint", verify_args->checkpoints,
                     "a checkpoint (or head file, or proof) you kept: the log "
                     "must still contain it");
  verify->add_flag("--allow-missing-head", verify_args->allow_missing_head,
                   "accept a log whose head file is missing (truncation "
                   "then goes undetected)");
  verify->add_flag("--json", verify_args->json, "one JSON report per log");
  verify->callback([verify_args, context] {
    context->exit_code =
        audit::RunAuditVerify(*verify_args, std::cout, std::cerr);
  });

  auto show_args = std::make_shared<audit::ShowCommandArgs>();
  CLI::App* show = audit->add_subcommand(
      "show", "a timeline joining several nodes' logs by job and round");
  show->add_option("LOG", show_args->logs, "audit log(s)")->required();
  show->add_option("--job", show_args->job, "only this job");
  show->add_option("--event", show_args->event,
                   "only this event type (or prefix: 'admission.*')");
  show->add_option("--since", show_args->since,
                   "only from this time (RFC 3339 or YYYY-MM-DD, UTC)");
  show->add_flag("--json", show_args->json, "JSON lines instead of text");
  show->add_flag("--all", show_args->all,
                 "include the log's own records (genesis, checkpoints)");
  show->callback([show_args, context] {
    context->exit_code = audit::RunAuditShow(*show_args, std::cout, std::cerr);
  });

  auto prove_args = std::make_shared<audit::ProveCommandArgs>();
  auto seq = std::make_shared<int64_t>(-1);
  auto from_size = std::make_shared<int64_t>(-1);
  CLI::App* prove = audit->add_subcommand(
      "prove",
      "print an inclusion (--seq) or consistency (--from-size) proof against "
      "the latest checkpoint, as JSON");
  prove->add_option("LOG", prove_args->log, "audit log")->required();
  prove->add_option("--seq", *seq, "the record to prove")
      ->check(CLI::NonNegativeNumber);
  prove
      ->add_option("--from-size", *from_size,
                   "prove the first N records are a prefix of the latest "
                   "checkpoint")
      ->check(CLI::PositiveNumber);
  prove->add_option("--key", prove_args->keys, "pin the node's public key");
  prove->callback([prove_args, seq, from_size, context] {
    if (*seq >= 0) prove_args->seq = static_cast<uint64_t>(*seq);
    if (*from_size >= 0) {
      prove_args->from_size = static_cast<uint64_t>(*from_size);
    }
    context->exit_code =
        audit::RunAuditProve(*prove_args, std::cout, std::cerr);
  });

  auto proof_args = std::make_shared<audit::VerifyProofCommandArgs>();
  CLI::App* verify_proof = audit->add_subcommand(
      "verify-proof", "check a proof printed by 'dsfl audit prove'");
  verify_proof->add_option("PROOF", proof_args->proof_file, "proof JSON file")
      ->required()
      ->check(CLI::ExistingFile);
  verify_proof->add_option("--key", proof_args->keys,
                           "pin the node's public key");
  verify_proof->callback([proof_args, context] {
    context->exit_code =
        audit::RunAuditVerifyProof(*proof_args, std::cout, std::cerr);
  });

  auto digest_files = std::make_shared<std::vector<std::string>>();
  CLI::App* model_digest = audit->add_subcommand(
      "model-digest",
      "print the model digest that audit records name (*_digest) of model "
      "files or raw float32 payloads, like sha256sum (exit 0 ok, 1 a model "
      "file is damaged or does not match its metadata, 2 unreadable)");
  model_digest->add_option("FILE", *digest_files, "model file(s)")->required();
  model_digest->callback([digest_files, context] {
    context->exit_code =
        audit::RunAuditModelDigest(*digest_files, std::cout, std::cerr);
  });
}

}  // namespace dsfl::cli
