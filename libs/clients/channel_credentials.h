#ifndef COALITION_LIBS_CLIENTS_CHANNEL_CREDENTIALS_H_
#define COALITION_LIBS_CLIENTS_CHANNEL_CREDENTIALS_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/security/credentials.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/server/config.h"

namespace coalition::clients {

// How a service reaches one peer service (membership, ...) over TLS: PEM files named by the
// caller's flags --<peer>_tls_ca, --<peer>_tls_cert and --<peer>_tls_key.
//   all empty        plaintext (a trusted network, or a mesh sidecar that encrypts)
//   ca               TLS: the peer's certificate must be signed by ca
//   ca, cert, key    mutual TLS: this service also presents cert, for a peer that requires
//                    client certificates (its --tls_client_ca)
struct PeerTlsFiles {
  std::string ca;
  std::string cert;
  std::string key;
};

// The three flags for `peer`, for a service's ServiceSpec::extra_flags.
std::vector<server::FlagSpec> PeerTlsFlags(absl::string_view peer);

// Their values in a parsed config.
PeerTlsFiles PeerTlsFilesOf(const server::Config& config, absl::string_view peer);

// Channel credentials for `peer`. INVALID_ARGUMENT naming the flag for a file that cannot be
// read or holds no PEM of the right kind, a certificate without its key (or a key without its
// certificate), or a client certificate without the CA to check the peer with.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> PeerChannelCredentials(
    absl::string_view peer, const PeerTlsFiles& files);

}  // namespace coalition::clients

#endif  // COALITION_LIBS_CLIENTS_CHANNEL_CREDENTIALS_H_
