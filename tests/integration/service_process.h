#ifndef COALITION_TESTS_INTEGRATION_SERVICE_PROCESS_H_
#define COALITION_TESTS_INTEGRATION_SERVICE_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "libs/testing/child_process.h"
#include "libs/testing/temp_dir.h"

namespace coalition::testing {

// A service binary started on free loopback ports with its store in a temporary directory.
struct ServiceProcess {
  std::unique_ptr<ChildProcess> process;
  int port = 0;
  int metrics_port = 0;
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

// Starts `binary` with --listen, --metrics_listen and --store=TestStoreUrl(dir, name) (SQLite in
// `dir`, or PostgreSQL on the suite's second run) plus `extra_args`, and waits until it accepts
// connections.
absl::StatusOr<ServiceProcess> StartService(const std::string& binary, const std::string& dir,
                                            const std::string& name,
                                            const std::vector<std::string>& extra_args = {});

// Starts `binary` again on `service`'s ports and store, as an operator restarts it after it
// stopped; the log goes on in the same file. The previous process is reaped first.
absl::Status RestartService(const std::string& binary, const std::string& dir,
                            const std::string& name, ServiceProcess& service,
                            const std::vector<std::string>& extra_args = {});

// Runs `binary --store=... --create_admin_key=test` and returns the printed secret.
absl::StatusOr<std::string> CreateAdminKey(const std::string& binary, const std::string& store);

// Runs `binary --store=... --<flag>=<holder>` (e.g. create_service_key) and returns the printed
// secret.
absl::StatusOr<std::string> CreateKey(const std::string& binary, const std::string& store,
                                      const std::string& flag, const std::string& holder);

// The full names of the services listed by the server's reflection (grpc.reflection.v1alpha),
// read with a generic stub so that no reflection proto is compiled here.
absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel);

// Calls `method` ("/pkg.Service/Method") with one empty request message and returns the status,
// whatever the method's kind: unary, client streaming, or server streaming when the server ends
// the stream by itself (a refused call does at once; an accepted watch runs to the deadline).
grpc::Status CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& method, const std::string& bearer_key = "");

}  // namespace coalition::testing

#endif  // COALITION_TESTS_INTEGRATION_SERVICE_PROCESS_H_
