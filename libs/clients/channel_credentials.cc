#include "libs/clients/channel_credentials.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/core/flag_file.h"

namespace coalition::clients {
namespace {

std::string CaFlag(absl::string_view peer) { return absl::StrCat(peer, "_tls_ca"); }
std::string CertFlag(absl::string_view peer) { return absl::StrCat(peer, "_tls_cert"); }
std::string KeyFlag(absl::string_view peer) { return absl::StrCat(peer, "_tls_key"); }

server::FlagSpec PathFlag(std::string name, std::string help) {
  server::FlagSpec flag;
  flag.name = std::move(name);
  flag.help = std::move(help);
  return flag;
}

}  // namespace

std::vector<server::FlagSpec> PeerTlsFlags(absl::string_view peer) {
  return {
      PathFlag(CaFlag(peer),
               absl::StrCat("PEM file of the CA that signed ", peer, "'s certificate: call ", peer,
                            " over TLS. Empty: plaintext (a trusted network or a sidecar).")),
      PathFlag(CertFlag(peer),
               absl::StrCat("This service's client certificate chain (PEM file), presented to ",
                            peer, " when it requires mutual TLS; needs --", CaFlag(peer), " and --",
                            KeyFlag(peer), ".")),
      PathFlag(KeyFlag(peer), absl::StrCat("Private key of --", CertFlag(peer), " (PEM file).")),
  };
}

PeerTlsFiles PeerTlsFilesOf(const server::Config& config, absl::string_view peer) {
  return {config.Extra(CaFlag(peer)), config.Extra(CertFlag(peer)), config.Extra(KeyFlag(peer))};
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> PeerChannelCredentials(
    absl::string_view peer, const PeerTlsFiles& files) {
  if (files.ca.empty() && files.cert.empty() && files.key.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  if (files.cert.empty() != files.key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", files.cert.empty() ? CertFlag(peer) : KeyFlag(peer), ": --", CertFlag(peer),
        " and --", KeyFlag(peer), " go together: give both or neither"));
  }
  if (files.ca.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", CaFlag(peer),
                                                   ": a client certificate needs the CA of ", peer,
                                                   "'s certificate as well"));
  }
  grpc::SslCredentialsOptions tls;
  absl::StatusOr<std::string> ca = ReadPemFlagFile(CaFlag(peer), files.ca, "CERTIFICATE-----");
  if (!ca.ok()) return ca.status();
  tls.pem_root_certs = *std::move(ca);
  if (!files.cert.empty()) {
    absl::StatusOr<std::string> cert =
        ReadPemFlagFile(CertFlag(peer), files.cert, "CERTIFICATE-----");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPemFlagFile(KeyFlag(peer), files.key, "PRIVATE KEY-----");
    if (!key.ok()) return key.status();
    tls.pem_cert_chain = *std::move(cert);
    tls.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(tls);
}

}  // namespace coalition::clients
