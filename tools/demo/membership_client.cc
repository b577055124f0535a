#include "tools/demo/membership_client.h"

#include <algorithm>

namespace coalition::demo {

absl::StatusOr<v1::ImportRosterResponse> MembershipClient::ImportRoster(
    const std::string& parent, const std::string& request_id,
    const std::vector<v1::RosterRow>& rows, int rows_per_message) {
  v1::ImportRosterResponse response;
  const size_t chunk = static_cast<size_t>(std::max(1, rows_per_message));
  absl::Status status =
      WithRetries(policy().stream_deadline, request_id, [&](grpc::ClientContext& ctx) {
        response.Clear();
        auto writer = stub().ImportRoster(&ctx, &response);
        for (size_t start = 0; start == 0 || start < rows.size(); start += chunk) {
          v1::ImportRosterRequest message;
          if (start == 0) {
            message.set_parent(parent);
            message.set_request_id(request_id);
          }
          for (size_t i = start; i < std::min(rows.size(), start + chunk); ++i) {
            *message.add_rows() = rows[i];
          }
          // A failed write means the server has ended the call; Finish says why.
          if (!writer->Write(message)) break;
        }
        writer->WritesDone();
        return writer->Finish();
      });
  if (!status.ok()) return status;
  return response;
}

}  // namespace coalition::demo
