#ifndef COALITION_TOOLS_DEMO_DEMO_CATALOG_H_
#define COALITION_TOOLS_DEMO_DEMO_CATALOG_H_

#include "absl/types/span.h"
#include "coalition/membership/v1/resources.pb.h"

// The fixed, invented text the demo network is drawn from: names, places, coalition themes.
// Nothing here names a real person; the towns and organizations are made up.
namespace coalition::demo {

namespace v1 = ::coalition::membership::v1;

struct StateCatalog {
  const char* code;       // "VA"
  const char* area_code;  // for the fictional 555-01xx phone numbers
  const char* towns[6];
};

struct OrganizationTemplate {
  v1::StakeholderType stakeholder_type;
  const char* name_patterns[3];  // "{town}" is replaced by a town of the organization's state
};

struct AimTemplate {
  const char* metric;
  const char* unit;
  double baseline;
  double target;  // below the baseline for aims that go down, e.g. a readmission rate
};

struct TeamTemplate {
  const char* display_name;
  const char* purpose;
};

// What a coalition organizes around; "{region}" and "{state}" are filled in per coalition.
struct Theme {
  const char* key;
  const char* constituency;
  const char* what;
  const char* urgent_challenge;
  const char* motivating_vision;
  const char* plausible_path;
  const char* strategy;
  AimTemplate aims[3];
  TeamTemplate teams[4];     // the teams around the leadership team
  TeamTemplate nested_team;  // a team under the first of them
};

struct CoalitionTemplate {
  const char* display_name;
  const char* state;
  const char* region;
  const char* theme;  // a Theme::key
  v1::CoalitionStatus status;
};

// A party on a map of actors that is neither a person nor an organization of the network.
struct OutsideActorTemplate {
  v1::ActorCategory category;
  const char* display_name;  // may contain "{region}"
};

absl::Span<const char* const> FirstNames();
absl::Span<const char* const> LastNames();
absl::Span<const StateCatalog> States();
absl::Span<const OrganizationTemplate> OrganizationTemplates();  // one per stakeholder type
absl::Span<const Theme> Themes();
absl::Span<const CoalitionTemplate> CoalitionTemplates();
absl::Span<const OutsideActorTemplate> OutsideActors();
// What actors of a category typically care about and bring to the table.
absl::Span<const char* const> InterestsOf(v1::ActorCategory category);
absl::Span<const v1::ActorResource> ResourcesOf(v1::ActorCategory category);

// The theme with this key; the catalog's own coalitions only name themes that exist.
const Theme& ThemeByKey(const char* key);

// What the coalitions of a theme do in the meetings service: a campaign toward the theme's
// measurable aims and the work their coalition meetings commit to. "{region}" is filled in.
struct PeakGoalTemplate {
  const char* title;
  const char* tactics[2];
};

struct CampaignTemplate {
  const char* theme;  // a Theme::key
  const char* display_name;
  const char* strong_foundation;
  PeakGoalTemplate peak_goals[3];  // in the order they are reached
  const char* milestone;           // the accomplishment when the first peak goal is reached
  const char* work[6];             // what members commit to at a coalition meeting
  const char* minutes;             // what that meeting discussed
};

// What a one-to-one heard and exchanged, stage by stage.
struct OneToOneTemplate {
  const char* why_this_person;
  const char* how_connected;
  const char* purpose_note;
  const char* values[2];
  const char* interest;  // new to the map of actors, so the merge after the one-to-one shows
  const char* notes;
  const char* offered;
  const char* received;
  const char* commitment;  // what the organizer commits to; empty: no commitment, for a reason
  const char* no_commitment_reason;
};

// A theme-neutral commitment that starts a coalition's organizing.
struct OrganizingCommitment {
  const char* what;
  const char* missed_note;  // why it was missed, for the one that is
};

const CampaignTemplate& CampaignByTheme(const char* theme);
absl::Span<const OneToOneTemplate> OneToOneTemplates();
absl::Span<const OrganizingCommitment> OrganizingCommitments();  // made at every kick-off
absl::Span<const char* const> TeamCommitments();                 // "{team}" is filled in
absl::Span<const char* const> MeetingNorms();
absl::Span<const char* const> MeetingPlaces();  // "{town}" is filled in

}  // namespace coalition::demo

#endif  // COALITION_TOOLS_DEMO_DEMO_CATALOG_H_
