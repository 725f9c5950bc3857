// dsfl vc verify: verifies a VP-JWT and its VC-JWTs fully offline, for IT
// and auditors. DIDs resolve only from the given --did-doc files; time is
// --at (Unix seconds), so a verdict is reproducible.
//
//   dsfl vc verify --presentation FILE --did-doc FILE...
//       --trusted-issuer DID... --at UNIX_SECONDS [--audience DID]
//       [--holder DID] [--require-type TYPE...] [--skip-revocation] [--json]
//
// Exit codes: 0 valid (prints the holder, issuers and types; JSON with
// --json), 1 invalid (one line "invalid: <reason>: <message>" naming the
// failed check), 2 usage (bad flags, unreadable files, bad DID documents).
// Revocation cannot be checked offline: a credential with a
// credentialStatus is refused (status_unavailable) unless
// --skip-revocation is given.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/presentation_verifier.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::cli {
namespace {

struct VcVerifyOptions {
  std::string presentation;
  std::vector<std::string> did_docs;
  std::vector<std::string> trusted_issuers;
  int64_t at = 0;
  std::string audience;
  std::string holder;
  std::vector<std::string> required_types;
  bool skip_revocation = false;
  bool json = false;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(absl::Time t) : t_(t) {}
  absl::Time Now() const override { return t_; }

 private:
  absl::Time t_;
};

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

int RunVcVerify(const VcVerifyOptions& options) {
  std::string vp;
  if (!ReadFile(options.presentation, &vp)) {
    std::cerr << "dsfl vc verify: cannot read --presentation "
              << options.presentation << "\n";
    return 2;
  }
  identity::StaticDidResolver resolver;
  for (const std::string& path : options.did_docs) {
    std::string text;
    if (!ReadFile(path, &text)) {
      std::cerr << "dsfl vc verify: cannot read --did-doc " << path << "\n";
      return 2;
    }
    StatusOr<identity::DidDocument> document =
        identity::DidDocument::ParseText(text, path);
    if (!document.ok()) {
      std::cerr << "dsfl vc verify: --did-doc " << path << ": "
                << document.status().message() << "\n";
      return 2;
    }
    resolver.Add(*std::move(document));
  }
  identity::PresentationPolicy policy;
  for (const std::string& did : options.trusted_issuers) {
    policy.trusted_issuers.push_back({did, {}});
  }
  policy.required_types = options.required_types;
  if (!options.audience.empty()) policy.audience = options.audience;
  if (!options.holder.empty()) policy.expected_holder = options.holder;
  policy.check_revocation = !options.skip_revocation;
  FixedClock clock(absl::FromUnixSeconds(options.at));
  identity::PresentationVerifier verifier(&resolver, nullptr, &clock);
  const std::string compact(absl::StripAsciiWhitespace(vp));
  StatusOr<identity::VerifiedPresentation> verified =
      verifier.VerifyPresentation(compact, policy);
  if (!verified.ok()) {
    std::optional<identity::Reason> reason =
        identity::ReasonOf(verified.status());
    const std::string name =
        reason ? std::string(identity::ReasonName(*reason)) : "error";
    if (options.json) {
      nlohmann::json out = {
          {"valid", false},
          {"reason", name},
          {"message", identity::MessageWithoutReason(verified.status())}};
      std::cout << out.dump() << "\n";
    } else {
      std::cout << "invalid: " << name << ": "
                << identity::MessageWithoutReason(verified.status()) << "\n";
    }
    return 1;
  }
  if (options.json) {
    std::cout << verified->ToJson().dump(2) << "\n";
    return 0;
  }
  std::cout << "valid: presentation of " << verified->holder << "\n";
  for (const identity::VerifiedCredential& c : verified->credentials) {
    std::cout << "  credential " << c.id << " [" << absl::StrJoin(c.types, ", ")
              << "] issued by " << c.issuer << "\n";
  }
  return 0;
}

}  // namespace

void AddVcCommands(CLI::App* app, CommandContext* context) {
  CLI::App* vc = app->add_subcommand("vc", "verifiable credentials");
  vc->require_subcommand(1);
  auto options = std::make_shared<VcVerifyOptions>();
  CLI::App* verify = vc->add_subcommand(
      "verify", "verify a VP-JWT and its credentials offline");
  verify
      ->add_option("--presentation", options->presentation,
                   "file holding the compact VP-JWT")
      ->required()
      ->check(CLI::ExistingFile);
  verify
      ->add_option("--did-doc", options->did_docs,
                   "DID document file(s) of the holder and issuers")
      ->required()
      ->check(CLI::ExistingFile);
  verify
      ->add_option("--trusted-issuer", options->trusted_issuers,
                   "DID(s) of trusted credential issuers")
      ->required();
  verify->add_option("--at", options->at, "verification instant, Unix seconds")
      ->required()
      ->check(CLI::NonNegativeNumber);
  verify->add_option("--audience", options->audience,
                     "require the VP to be addressed to this DID");
  verify->add_option("--holder", options->holder,
                     "require the VP holder to be this DID");
  verify->add_option("--require-type", options->required_types,
                     "credential type(s) the VP must hold");
  verify->add_flag("--skip-revocation", options->skip_revocation,
                   "accept credentials whose status list cannot be fetched "
                   "offline");
  verify->add_flag("--json", options->json,
                   "print the verified holder, issuers and types as JSON");
  verify->callback(
      [options, context] { context->exit_code = RunVcVerify(*options); });
}

}  // namespace dsfl::cli
