#include "tools/demo/demo_catalog.h"

#include <cstring>

namespace coalition::demo {
namespace {

constexpr const char* kFirstNames[] = {
    "Avery",   "Brooke", "Caleb",   "Dana",   "Eli",    "Faith",  "Gavin",  "Hannah",
    "Isaac",   "Jolene", "Kendra",  "Luke",   "Mara",   "Nolan",  "Opal",   "Perry",
    "Quinn",   "Rhea",   "Silas",   "Tessa",  "Vera",   "Wade",   "Yvonne", "Zane",
    "Abigail", "Beau",   "Cora",    "Dewey",  "Esther", "Floyd",  "Greta",  "Hollis",
    "Iris",    "Jasper", "Lena",    "Marcus", "Nadia",  "Owen",   "Priya",  "Ramon",
    "Sofia",   "Tobias", "Wendell", "Aisha",  "Mei",    "Darnell"};

constexpr const char* kLastNames[] = {
    "Abernathy", "Bledsoe", "Caudill",  "Dalton",  "Estep",      "Fugate", "Gilley",  "Halcomb",
    "Ison",      "Justus",  "Keen",     "Lowe",    "Mullins",    "Napier", "Osborne", "Presley",
    "Quillen",   "Ratliff", "Sizemore", "Tackett", "Underwood",  "Vance",  "Whitt",   "Yates",
    "Boggs",     "Combs",   "Damron",   "Elkins",  "Fannin",     "Gibson", "Hensley", "Jude",
    "Kilgore",   "Lambert", "Maynard",  "Neace",   "Pennington", "Rowe",   "Slone",   "Thacker"};

constexpr StateCatalog kStates[] = {
    {"VA",
     "540",
     {"Laurel Bend", "Tolliver", "Piney Fork", "New Dublin Mills", "Copper Ridge", "Ashby Gap"}},
    {"WV",
     "304",
     {"Greer Hollow", "Millstone", "Elk Bend", "Coal Run", "Cedar Knob", "Harmony Grove"}},
    {"KY",
     "606",
     {"Pine Hollow", "Rockcastle Springs", "Sassafras Creek", "Red Bird Fork", "Beech Fork",
      "Laurel Lick"}},
    {"TN",
     "423",
     {"Clinch Ridge", "Sulphur Springs", "Roan Valley", "Cove Creek", "Holston Mills",
      "Chestnut Flat"}},
};

constexpr OrganizationTemplate kOrganizationTemplates[] = {
    {v1::PATIENTS_AND_FAMILIES,
     {"{town} Patient and Family Advisory Council", "{town} Caregivers Circle",
      "{town} Heart Failure Support Group"}},
    {v1::PHYSICIANS,
     {"{town} Family Medicine Associates", "{town} Internal Medicine Group",
      "{town} Rural Health Clinic"}},
    {v1::HOSPITALS,
     {"{town} Regional Medical Center", "{town} Community Hospital",
      "{town} Critical Access Hospital"}},
    {v1::PRACTICE_MANAGERS,
     {"{town} Practice Managers Network", "{town} Clinic Administrators Roundtable",
      "{town} Medical Office Managers Group"}},
    {v1::HOME_HEALTH_AGENCIES,
     {"{town} Home Health Services", "{town} Visiting Nurses", "{town} Home Care Partners"}},
    {v1::DISCHARGE_PLANNERS,
     {"{town} Discharge Planning Network", "{town} Case Management Council",
      "{town} Transitions of Care Nurses"}},
    {v1::SOCIAL_WORKERS,
     {"{town} Community Social Work Services", "{town} Family Services Center",
      "{town} Medical Social Workers Guild"}},
    {v1::PHARMACISTS,
     {"{town} Community Pharmacy", "{town} Apothecary", "{town} Independent Pharmacists"}},
    {v1::DIABETES_EDUCATION_CENTERS,
     {"{town} Diabetes Education Center", "{town} Diabetes Self-Management Program",
      "{town} Nutrition and Diabetes Clinic"}},
    {v1::COMMUNITY_ORGANIZATIONS,
     {"{town} Community Action Agency", "{town} Neighborhood Council", "{town} Senior Center"}},
    {v1::FAITH_BASED_ORGANIZATIONS,
     {"{town} Interfaith Health Ministry", "{town} Parish Nurse Program",
      "{town} Congregational Care Network"}},
    {v1::LONG_TERM_SERVICES_AND_SUPPORTS,
     {"{town} Area Agency on Aging", "{town} Nursing and Rehabilitation Center",
      "{town} Adult Day Services"}},
    {v1::ADVOCACY_ORGANIZATIONS,
     {"{town} Rural Health Advocates", "{town} Recovery Advocacy Project",
      "{town} Seniors Advocacy League"}},
    {v1::ASSOCIATIONS,
     {"{town} Area Nurses Association", "{town} Health Care Workers Association",
      "{town} Community Health Workers Association"}},
    {v1::HEALTH_PLANS,
     {"{town} Community Health Plan", "{town} Senior Advantage Plan", "{town} Mutual Health"}},
    {v1::BUSINESS_COALITIONS,
     {"{town} Employers Health Coalition", "{town} Business Health Forum",
      "{town} Chamber Wellness Alliance"}},
    {v1::QIOS,
     {"{town} Quality Partners", "{town} Quality Improvement Office",
      "{town} Health Quality Collaborative"}},
    {v1::MEDICAL_ASSOCIATIONS,
     {"{town} County Medical Society", "{town} Academy of Family Physicians Chapter",
      "{town} Osteopathic Physicians Society"}},
    {v1::STATE_LEGISLATURE_AND_GOVERNMENT_AGENCIES,
     {"{town} County Health Department", "{town} District Office of Aging Services",
      "{town} County Board of Supervisors"}},
    {v1::NON_HEALTH_ORGANIZATIONS,
     {"{town} Public Library", "{town} Transit Authority", "{town} Volunteer Fire Department"}},
};

constexpr Theme kThemes[] = {
    {"readmissions",
     "Medicare beneficiaries discharged from the hospitals of {region}, their families, and the "
     "physicians, discharge planners and home-health agencies who care for them",
     "Fewer avoidable readmissions within 30 days of a hospital stay, measured by the aims below",
     "One in six older patients discharged in {region} is back in the hospital within a month, "
     "often for a problem a timely follow-up visit would have caught",
     "Every patient in {region} goes home with a plan they understand, a follow-up visit booked "
     "and someone to call",
     "Hospitals share discharge lists daily, practices hold open follow-up slots, and home-health "
     "nurses visit heart-failure patients within 48 hours",
     "Build a cross-setting team that reviews every readmission monthly, spreads a shared "
     "discharge checklist and holds each partner to its commitments",
     {{"30-day all-cause readmission rate", "% of discharges", 17.8, 14.5},
      {"Follow-up visit within 7 days of discharge", "% of discharges", 42.0, 65.0},
      {"Heart failure readmissions", "per 1,000 beneficiaries", 6.1, 4.8}},
     {{"Discharge follow-up team",
       "Makes sure every discharged patient has a visit booked within 7 days"},
      {"Data and measurement team",
       "Pulls monthly readmission data and shows each partner where it stands"},
      {"Home health partners team", "Coordinates first home visits for high-risk patients"},
      {"Patient and family voice team",
       "Brings patients' experience of going home into every decision"}},
     {"Heart failure clinic workgroup",
      "Designs a weekly heart-failure clinic for recently discharged patients"}},
    {"immunization",
     "Adults 65 and older in {region}, with the pharmacists, practices, nursing homes and "
     "congregations that reach them",
     "Higher rates of recommended adult vaccination across {region}",
     "Fewer than half of older adults in {region} get a flu shot each year, and outbreaks in "
     "nursing homes keep filling hospital beds",
     "Every older adult in {region} is offered every recommended vaccine where they already go: "
     "the pharmacy, the clinic, the church hall",
     "Pharmacists and practices share vaccination records, and trusted messengers host clinics in "
     "the places people gather",
     "Organize vaccination days with faith and community partners, and track every partner's "
     "reach against the aims",
     {{"Adult influenza vaccination", "% of beneficiaries", 48.0, 65.0},
      {"Pneumococcal vaccination, age 65 and older", "% of beneficiaries", 61.0, 75.0},
      {"Nursing-home residents up to date on COVID-19 vaccine", "% of residents", 38.0, 60.0}},
     {{"Pharmacy partners team",
       "Brings independent pharmacies into shared reminders and record-keeping"},
      {"Community clinics team",
       "Plans vaccination days in churches, senior centers and libraries"},
      {"Nursing home team", "Works with long-term care partners on resident and staff vaccination"},
      {"Trusted messengers team",
       "Recruits and supports local voices who answer vaccine questions"}},
     {"Data sharing workgroup", "Connects pharmacy and practice records so nobody is missed"}},
    {"diabetes",
     "People living with diabetes in {region}, their families, and the diabetes educators, "
     "pharmacists and clinicians who support them",
     "Better diabetes control and more people completing self-management education",
     "A quarter of adults with diabetes in {region} have an HbA1c above 9%, and few have ever "
     "attended a self-management class",
     "People with diabetes in {region} know how to manage it, can reach a class near home, and "
     "avoid the complications that take limbs, sight and kidneys",
     "Practices refer at every visit, classes run in community spaces, and pharmacists follow up "
     "between visits",
     "Grow a network of class sites and referring practices, each committed to a referral and "
     "completion target",
     {{"HbA1c above 9%", "% of patients with diabetes", 24.0, 16.0},
      {"Completed diabetes self-management education", "% of patients with diabetes", 7.0, 15.0},
      {"Annual kidney health evaluation", "% of patients with diabetes", 33.0, 50.0}},
     {{"Class sites team", "Opens and sustains self-management classes in community spaces"},
      {"Referral team", "Helps practices refer every eligible patient"},
      {"Pharmacist follow-up team", "Follows up with patients between clinic visits"},
      {"Food and activity team", "Partners with food pantries and parks on healthy choices"}},
     {"Peer coaches workgroup", "Trains class graduates to coach new participants"}},
    {"opioid-safety",
     "Patients who take opioids in {region}, their families, and the prescribers, pharmacists "
     "and recovery advocates who serve them",
     "Safer opioid prescribing and wider access to naloxone",
     "Overdose deaths in {region} have doubled in five years, and high-dose and combined "
     "opioid-benzodiazepine prescriptions remain common",
     "Nobody in {region} dies of an overdose that could have been prevented, and people in pain "
     "or in recovery are treated with dignity",
     "Prescribers review high-risk prescriptions together, every pharmacy stocks naloxone, and "
     "recovery advocates are at the table",
     "Run a prescriber peer-review circle and a pharmacy naloxone campaign, with recovery "
     "advocates sharing leadership",
     {{"High-dose opioid prescriptions (90 MME/day or more)", "per 1,000 beneficiaries", 12.4, 8.0},
      {"Concurrent opioid and benzodiazepine prescriptions", "per 1,000 beneficiaries", 9.3, 6.0},
      {"Pharmacies stocking naloxone", "% of pharmacies", 55.0, 90.0}},
     {{"Prescriber peer-review team", "Reviews high-risk prescribing patterns with peers"},
      {"Naloxone access team", "Gets naloxone into every pharmacy and first-responder kit"},
      {"Recovery voices team", "Keeps people in recovery and their families at the center"},
      {"Safe disposal team", "Organizes take-back days and disposal sites"}},
     {"Tapering guidance workgroup", "Writes plain-language tapering guidance for patients"}},
    {"care-transitions",
     "Older adults moving between hospital, nursing home and home in {region}, with the hospitals, "
     "home-health agencies, social workers and community organizations that hand them on",
     "Safer hand-offs between care settings, measured by the aims below",
     "Patients in {region} leave the hospital with incomplete medication lists and community "
     "referrals that nobody closes",
     "In {region}, every hand-off is complete: the next clinician knows the plan, and the patient "
     "knows who to call",
     "Shared medication reconciliation, a closed-loop referral list and a monthly hand-off review "
     "across settings",
     "Bring every setting to one table, agree a hand-off standard, and review misses together each "
     "month",
     {{"Discharges with medication reconciliation", "% of discharges", 58.0, 85.0},
      {"Emergency department visits within 30 days of discharge", "per 1,000 discharges", 210.0,
       170.0},
      {"Community referrals closed within 14 days", "% of referrals", 30.0, 60.0}},
     {{"Closed-loop referrals team", "Makes sure community referrals are received and acted on"},
      {"Medication reconciliation team", "Spreads one medication-list standard across settings"},
      {"Nursing home hand-offs team", "Improves transfers between hospitals and nursing homes"},
      {"Caregiver support team", "Prepares family caregivers for the first days at home"}},
     {"Transportation workgroup", "Finds rides to follow-up appointments"}},
    {"medication-safety",
     "Older adults taking several medicines in {region}, their caregivers, and the pharmacists "
     "and prescribers who manage their medicines",
     "Fewer adverse drug events from high-risk medicines",
     "Anticoagulant bleeds and low blood sugar from diabetes medicines send older adults in "
     "{region} to the emergency room every week",
     "Every older adult in {region} takes only the medicines they need, at doses that are safe for "
     "them",
     "Pharmacists run comprehensive medication reviews, prescribers act on them, and patients "
     "bring every bottle to every visit",
     "Make the medication review routine: pharmacists and practices commit to review targets and "
     "compare results monthly",
     {{"Adverse drug events from anticoagulants", "per 1,000 beneficiaries", 4.2, 3.0},
      {"Hypoglycemia-related emergency visits", "per 1,000 beneficiaries with diabetes", 8.5, 6.0},
      {"Comprehensive medication reviews completed", "% of eligible beneficiaries", 26.0, 45.0}},
     {{"Medication review team", "Schedules and tracks comprehensive medication reviews"},
      {"Prescriber engagement team", "Helps prescribers act on pharmacists' recommendations"},
      {"Brown-bag events team", "Holds events where people bring every medicine they take"},
      {"Anticoagulation clinic team", "Supports safe anticoagulant monitoring close to home"}},
     {"Deprescribing workgroup", "Agrees when and how to stop medicines that no longer help"}},
};

constexpr CoalitionTemplate kCoalitionTemplates[] = {
    {"Southwest Virginia Readmissions Coalition", "VA", "southwest VA", "readmissions", v1::ACTIVE},
    {"Shenandoah Valley Immunization Partnership", "VA", "Shenandoah Valley", "immunization",
     v1::ACTIVE},
    {"Southside Diabetes Self-Management Coalition", "VA", "Southside VA", "diabetes", v1::ACTIVE},
    {"Southern West Virginia Opioid Safety Coalition", "WV", "southern WV", "opioid-safety",
     v1::ACTIVE},
    {"Kanawha Valley Care Transitions Coalition", "WV", "Kanawha Valley", "care-transitions",
     v1::ACTIVE},
    {"Northern Panhandle Readmissions Coalition", "WV", "northern panhandle WV", "readmissions",
     v1::FORMING},
    {"Appalachian Kentucky Diabetes Coalition", "KY", "Appalachian KY", "diabetes", v1::ACTIVE},
    {"Bluegrass Care Transitions Coalition", "KY", "Bluegrass KY", "care-transitions", v1::ACTIVE},
    {"Western Kentucky Immunization Coalition", "KY", "western KY", "immunization", v1::DORMANT},
    {"East Tennessee Opioid Safety Coalition", "TN", "East TN", "opioid-safety", v1::ACTIVE},
    {"Middle Tennessee Medication Safety Coalition", "TN", "Middle TN", "medication-safety",
     v1::ACTIVE},
    {"Upper Cumberland Medication Safety Coalition", "TN", "Upper Cumberland TN",
     "medication-safety", v1::FORMING},
};

constexpr OutsideActorTemplate kOutsideActors[] = {
    {v1::CONSTITUENT, "Family caregivers in {region}"},
    {v1::CONSTITUENT, "Residents of {region} senior housing"},
    {v1::CONSTITUENT, "Patients of the {region} free clinic"},
    {v1::CONSTITUENT, "Veterans receiving care in {region}"},
    {v1::LEADERSHIP, "Retired hospital CEO advising the coalition"},
    {v1::SUPPORTER, "Regional community foundation"},
    {v1::SUPPORTER, "University school of pharmacy outreach program"},
    {v1::SUPPORTER, "{region} public radio health desk"},
    {v1::SUPPORTER, "State hospital association quality program"},
    {v1::COMPETITION, "Health system's in-house transitions program"},
    {v1::COMPETITION, "National pharmacy chain's own outreach campaign"},
    {v1::COMPETITION, "Payer-contracted care management vendor"},
    {v1::OPPOSITION, "Practices wary of new reporting burden"},
    {v1::OPPOSITION, "County officials opposed to new program costs"},
    {v1::OPPOSITION, "Vendor whose contract the change would end"},
};

constexpr const char* kConstituentInterests[] = {
    "staying out of the hospital", "affordable medicines", "transportation to appointments",
    "being heard by clinicians", "caring for a family member at home"};
constexpr const char* kLeadershipInterests[] = {
    "reaching the coalition's aims", "growing the leadership team", "sustainable funding",
    "recognition for the region's progress"};
constexpr const char* kSupporterInterests[] = {"community health outcomes",
                                               "visibility in the region", "data for grant reports",
                                               "engaged members and staff"};
constexpr const char* kCompetitionInterests[] = {"market share", "their own quality scores",
                                                 "credit for results", "staff time"};
constexpr const char* kOppositionInterests[] = {"avoiding new costs", "less reporting burden",
                                                "existing contracts", "local control"};

constexpr v1::ActorResource kConstituentResources[] = {v1::VOLUNTEERS, v1::RELATIONSHIPS,
                                                       v1::EXPERTISE};
constexpr v1::ActorResource kLeadershipResources[] = {v1::RELATIONSHIPS, v1::EXPERTISE,
                                                      v1::POLITICAL_ACCESS, v1::DATA};
constexpr v1::ActorResource kSupporterResources[] = {v1::FUNDING, v1::SPACE, v1::DATA,
                                                     v1::MEDIA_ACCESS, v1::IN_KIND_SERVICES};
constexpr v1::ActorResource kCompetitionResources[] = {v1::FUNDING, v1::DATA, v1::MEDIA_ACCESS,
                                                       v1::RELATIONSHIPS};
constexpr v1::ActorResource kOppositionResources[] = {v1::POLITICAL_ACCESS, v1::FUNDING,
                                                      v1::MEDIA_ACCESS};

constexpr CampaignTemplate kCampaigns[] = {
    {"readmissions",
     "Home and well in {region}",
     "A leadership team from every care setting, a shared readmission dashboard, and a discharge "
     "checklist every partner helped write",
     {{"Every partner hospital uses the shared discharge checklist",
       {"Train the discharge planners of each unit", "Audit ten discharges a month"}},
      {"A follow-up visit is booked before every discharge",
       {"Open follow-up slots in partner practices", "Call patients the day after discharge"}},
      {"Heart-failure patients are seen at home within 48 hours",
       {"Refer to home health at discharge", "Run a weekly heart-failure clinic"}}},
     "Every partner hospital now uses the shared discharge checklist",
     {"Share the discharge checklist with every hospital unit in {region}",
      "Book 7-day follow-up slots with two more practices",
      "Review last month's readmissions with the data team",
      "Arrange first home visits within 48 hours at two home-health agencies",
      "Interview three patients about their first week at home",
      "Present the readmission dashboard to the hospital quality committee"},
     "Reviewed the readmission dashboard: two hospitals are ahead of the aim, one is behind. "
     "Discharge planners asked for the checklist in large print. Agreed to open follow-up slots "
     "in the practices that see most discharged patients."},
    {"immunization",
     "Every arm in {region}",
     "Pharmacies, practices, nursing homes and congregations at one table, with shared "
     "vaccination records",
     {{"The first community vaccination days are held",
       {"Host clinics in congregations", "Book senior centers and libraries"}},
      {"Pharmacy and practice records are connected",
       {"Make shared reminder calls", "Match records monthly"}},
      {"Nursing-home residents and staff are up to date",
       {"Send the staff vaccination toolkit", "Hold resident consent drives"}}},
     "The first community vaccination day reached 140 older adults",
     {"Schedule a vaccination day with two congregations in {region}",
      "Sign up three independent pharmacies for shared reminder calls",
      "Send every nursing home the staff vaccination toolkit",
      "Recruit four trusted messengers to answer vaccine questions",
      "Compare pharmacy and practice vaccination records for one clinic",
      "Book the senior center for the fall flu clinic"},
     "Flu season planning: pharmacies will share their lists weekly, and two congregations "
     "offered their halls. Nursing homes asked for help with staff who decline."},
    {"diabetes",
     "Diabetes know-how close to home in {region}",
     "Class sites, referring practices and pharmacists who agreed on one referral path",
     {{"Classes run in three community sites",
       {"Open library and church class sites", "Train peer coaches"}},
      {"Every practice refers at every visit",
       {"Put the referral in the visit template", "Send a monthly referral report"}},
      {"Pharmacists follow up between visits",
       {"Call after each class", "Go over HbA1c results with patients"}}},
     "Three community class sites are open",
     {"Open a self-management class at the {region} public library",
      "Add the class referral to two practices' visit templates",
      "Call every class no-show from last month",
      "Partner with a food pantry on a diabetes-friendly shelf",
      "Train two class graduates as peer coaches", "Pull HbA1c data for the referring practices"},
     "Class attendance is up but completion is not: people drop out after week three. Peer "
     "coaches will call between sessions. The food pantry offered a cooking demonstration."},
    {"opioid-safety",
     "Safer prescribing, fewer overdoses in {region}",
     "Prescribers, pharmacists and recovery advocates sharing leadership, with monthly "
     "prescribing data",
     {{"Prescriber peer review is under way",
       {"Hold monthly review circles", "Send high-dose prescribing reports"}},
      {"Naloxone is stocked in every pharmacy",
       {"Run a stocking drive", "Train pharmacists to offer it"}},
      {"Tapering guidance is in every practice",
       {"Write the guide with people in recovery", "Take it to every practice"}}},
     "The first prescriber peer-review circle met",
     {"Run the first prescriber peer-review circle",
      "Stock naloxone at three more pharmacies in {region}",
      "Organize a medication take-back day with the sheriff's office",
      "Invite two people in recovery to join the leadership team",
      "Send prescribers their high-dose prescribing report",
      "Draft the plain-language tapering guide"},
     "Recovery advocates told their stories; prescribers asked for peer review rather than "
     "letters. Half the pharmacies in the region now stock naloxone."},
    {"care-transitions",
     "Complete hand-offs in {region}",
     "Hospitals, nursing homes, home health and community organizations agreeing one hand-off "
     "standard",
     {{"One medication-list standard across settings",
       {"Agree the format", "Train the nurses of each setting"}},
      {"Community referrals are closed within 14 days",
       {"Keep a closed-loop referral list", "Hold a weekly referral huddle"}},
      {"Caregivers are ready for the first days at home",
       {"Hold caregiver sessions before discharge", "Find rides to follow-up visits"}}},
     "The medication-list standard was agreed by every setting",
     {"Agree one medication-list format with the two hospitals",
      "Close the loop on last month's community referrals",
      "Map the transfer steps between the hospital and the nursing homes",
      "Hold a caregiver preparation session before discharge",
      "Find a volunteer driver program for follow-up visits",
      "Review last month's hand-off misses with every setting"},
     "Walked through three hand-offs that went wrong. The common gap: nobody owned the "
     "community referral. Agreed that the discharging nurse names an owner."},
    {"medication-safety",
     "Only the medicines they need in {region}",
     "Pharmacists and practices committed to review targets, comparing results monthly",
     {{"Medication reviews are routine in partner pharmacies",
       {"Schedule reviews", "Track every recommendation"}},
      {"Prescribers act on the recommendations",
       {"Send the open recommendations", "Discuss them at practice huddles"}},
      {"Fewer anticoagulant and hypoglycemia emergencies",
       {"Offer anticoagulation checks near home", "Agree a deprescribing list"}}},
     "The first hundred comprehensive medication reviews are done",
     {"Schedule twenty comprehensive medication reviews",
      "Hold a brown-bag medicine event at the senior center",
      "Send prescribers the pharmacists' open recommendations",
      "Set up anticoagulation checks at a clinic close to home",
      "Agree a deprescribing list with two practices",
      "Pull last quarter's hypoglycemia emergency visits"},
     "Pharmacists completed their first reviews; prescribers acted on about half of the "
     "recommendations. The brown-bag event found four people taking duplicate medicines."},
};

constexpr OneToOneTemplate kOneToOnes[] = {
    {"Named at the kick-off's power mapping: reaches people the coalition does not",
     "Met once at a regional meeting; a colleague introduced us",
     "A first conversation: learn what they care about before asking for anything",
     {"dignity for older patients", "neighbors looking after neighbors"},
     "credit in the coalition's quarterly report",
     "Worried the coalition duplicates what they already do; open to sharing data if credited.",
     "A seat on the data team and credit in the quarterly report",
     "Their monthly numbers and an introduction to their board chair",
     "Introduce them to the data team lead and send the quarterly report draft",
     ""},
    {"Comes to every meeting but has never spoken",
     "Same congregation; we volunteer together at the food pantry",
     "Deepen the relationship: ask what keeps them coming",
     {"faith in action", "family first"},
     "rides to appointments for older church members",
     "Cares for a mother with heart failure and knows every family on the church's visiting "
     "list.",
     "Help connecting their mother with a home-health agency",
     "An offer to host a coalition event in the fellowship hall",
     "",
     "Wants to talk it over with their family first; follow up next month"},
    {"Left the coalition last year and has come back",
     "Worked together at the hospital for ten years",
     "Renew the relationship after the turnover",
     {"doing right by patients", "keeping promises"},
     "less paperwork for front-line nurses",
     "Left because meetings ended without decisions; came back for the campaign.",
     "A role leading the next peak goal's tactic",
     "Ten years of knowing how discharges really work",
     "Draft the tactic plan for the next peak goal",
     ""},
    {"Runs the largest program of its kind in the region",
     "A weak tie: we have only emailed",
     "Build a relationship from nothing",
     {"measurable results", "a healthy local economy"},
     "a shared referral form",
     "Not met yet.",
     "",
     "",
     "",
     ""},
};

constexpr OrganizingCommitment kOrganizingCommitments[] = {
    {"Hold one-to-ones with three partners named in the power mapping", ""},
    {"Send the baseline data for every aim to the leadership team", ""},
    {"Bring a patient or family member to the next coalition meeting", ""},
    {"Invite the county health department to join the coalition",
     "The department's director left; the invitation waits for the new one"},
};

constexpr const char* kTeamCommitments[] = {
    "Draft the {team} plan for the next quarter",
    "Recruit two new members for the {team}",
    "Report the {team}'s first results at the coalition meeting",
};

constexpr const char* kMeetingNorms[] = {
    "Start and end on time",
    "Every voice is heard",
    "Leave in action: a commitment, or the reason there is none",
    "What is shared here stays here",
};

constexpr const char* kMeetingPlaces[] = {
    "{town} Public Library, community room",
    "{town} Senior Center",
    "{town} Regional Medical Center, board room",
    "{town} Community Action Agency, training room",
};

}  // namespace

absl::Span<const char* const> FirstNames() { return kFirstNames; }
absl::Span<const char* const> LastNames() { return kLastNames; }
absl::Span<const StateCatalog> States() { return kStates; }
absl::Span<const OrganizationTemplate> OrganizationTemplates() { return kOrganizationTemplates; }
absl::Span<const Theme> Themes() { return kThemes; }
absl::Span<const CoalitionTemplate> CoalitionTemplates() { return kCoalitionTemplates; }
absl::Span<const OutsideActorTemplate> OutsideActors() { return kOutsideActors; }

absl::Span<const char* const> InterestsOf(v1::ActorCategory category) {
  switch (category) {
    case v1::LEADERSHIP:
      return kLeadershipInterests;
    case v1::SUPPORTER:
      return kSupporterInterests;
    case v1::COMPETITION:
      return kCompetitionInterests;
    case v1::OPPOSITION:
      return kOppositionInterests;
    default:
      return kConstituentInterests;
  }
}

absl::Span<const v1::ActorResource> ResourcesOf(v1::ActorCategory category) {
  switch (category) {
    case v1::LEADERSHIP:
      return kLeadershipResources;
    case v1::SUPPORTER:
      return kSupporterResources;
    case v1::COMPETITION:
      return kCompetitionResources;
    case v1::OPPOSITION:
      return kOppositionResources;
    default:
      return kConstituentResources;
  }
}

const Theme& ThemeByKey(const char* key) {
  for (const Theme& theme : kThemes) {
    if (std::strcmp(theme.key, key) == 0) return theme;
  }
  return kThemes[0];
}

const CampaignTemplate& CampaignByTheme(const char* theme) {
  for (const CampaignTemplate& campaign : kCampaigns) {
    if (std::strcmp(campaign.theme, theme) == 0) return campaign;
  }
  return kCampaigns[0];
}

absl::Span<const OneToOneTemplate> OneToOneTemplates() { return kOneToOnes; }
absl::Span<const OrganizingCommitment> OrganizingCommitments() { return kOrganizingCommitments; }
absl::Span<const char* const> TeamCommitments() { return kTeamCommitments; }
absl::Span<const char* const> MeetingNorms() { return kMeetingNorms; }
absl::Span<const char* const> MeetingPlaces() { return kMeetingPlaces; }

}  // namespace coalition::demo
