#ifndef COALITION_LIBS_TESTING_TEST_PKI_H_
#define COALITION_LIBS_TESTING_TEST_PKI_H_

#include <string>

#include "absl/status/statusor.h"
#include "libs/testing/temp_dir.h"

namespace coalition::testing {

// A throwaway PKI, made with the openssl command at test time so that no key is checked in, in
// a temporary directory removed with it. Each name has NAME.pem (certificate) and NAME.key:
//   ca            the CA of the deployment
//   server        signed by ca, for DNS:localhost and IP:127.0.0.1 (serverAuth)
//   client        signed by ca (clientAuth): a service calling another over mutual TLS
//   rogue_ca      another CA
//   rogue_client  signed by rogue_ca (clientAuth)
class TestPki {
 public:
  // FAILED_PRECONDITION with openssl's output when it cannot make them.
  static absl::StatusOr<TestPki> Create();
  // One made on first use and kept for the whole test process (removed at exit), for suites
  // that only read it: making one costs about a second.
  static absl::StatusOr<const TestPki*> Shared();

  // "ca.pem", "client.key", ...
  std::string Path(const std::string& file) const { return dir_.path() + "/" + file; }
  std::string Read(const std::string& file) const;

 private:
  explicit TestPki(TempDir dir) : dir_(std::move(dir)) {}
  TempDir dir_;
};

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_TEST_PKI_H_
