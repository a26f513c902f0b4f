//! The vocabulary of leadership development for doctors in training (DOMAIN.md), kept
//! here as typed data so the app, the server and exports all speak the same words.
//!
//! Each closed vocabulary is an enum with a stable `code` (stored in documents and
//! never renamed), a `label` for people, and `ALL` in display order.

use serde::{Deserialize, Serialize};

/// Declares a closed vocabulary: an enum whose variants carry a stable code and a label.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal; )+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every value, in the order people see them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in documents.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The label shown to people.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Looks a value up by its stored code.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.code() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocabulary! {
    /// How trainees meet leadership activities, used to group the kind picker.
    ActivityGroup {
        Clinical = "clinical", "Clinical";
        Management = "management", "Management";
        Improvement = "improvement", "Improvement";
        DevelopingOthers = "developing_others", "Developing others";
        DevelopingSelf = "developing_self", "Developing self";
    }
}

vocabulary! {
    /// One kind of leadership moment a trainee can log.
    ActivityKind {
        WardRound = "ward_round", "Leading a ward round";
        Handover = "handover", "Leading handover";
        Mdt = "mdt", "Leading an MDT meeting";
        Crisis = "crisis", "Leading in a crisis, trauma or arrest";
        ComplexDischarge = "complex_discharge", "Coordinating a complex discharge";
        RunningTheFloor = "running_the_floor", "Running the department or shop floor";
        Rota = "rota", "Designing or managing a rota";
        JobPlanning = "job_planning", "Job planning";
        ServicePlanning = "service_planning", "Service planning";
        StaffingTask = "staffing_task", "Staffing or HR task";
        MeetingChair = "meeting_chair", "Chairing a meeting";
        SeniorMeeting = "senior_meeting", "Attending a board, committee or senior meeting";
        QiProject = "qi_project", "Quality-improvement project";
        Audit = "audit", "Audit tied to local priorities";
        ServiceChange = "service_change", "Service change";
        Teaching = "teaching", "Teaching";
        SupervisingJuniors = "supervising_juniors", "Supervising, coaching or mentoring juniors";
        Shadowing = "shadowing", "Shadowing a senior leader";
        ActingUp = "acting_up", "Acting up";
        Secondment = "secondment", "Secondment or visit to another service";
        Course = "course", "Course, workshop or fellowship";
        ActionLearningSet = "action_learning_set", "Action learning set";
        ReceivingCoaching = "receiving_coaching", "Receiving coaching or mentoring";
        NetworkEvent = "network_event", "Network or professional association event";
    }
}

impl ActivityKind {
    /// The group a kind is listed under.
    pub const fn group(self) -> ActivityGroup {
        use ActivityKind::*;
        match self {
            WardRound | Handover | Mdt | Crisis | ComplexDischarge | RunningTheFloor => {
                ActivityGroup::Clinical
            }
            Rota | JobPlanning | ServicePlanning | StaffingTask | MeetingChair | SeniorMeeting => {
                ActivityGroup::Management
            }
            QiProject | Audit | ServiceChange => ActivityGroup::Improvement,
            Teaching | SupervisingJuniors => ActivityGroup::DevelopingOthers,
            Shadowing | ActingUp | Secondment | Course | ActionLearningSet | ReceivingCoaching
            | NetworkEvent => ActivityGroup::DevelopingSelf,
        }
    }

    /// The kinds in one group, in display order.
    pub fn in_group(group: ActivityGroup) -> impl Iterator<Item = ActivityKind> {
        Self::ALL
            .iter()
            .copied()
            .filter(move |kind| kind.group() == group)
    }
}

vocabulary! {
    /// Which of the three a situation called for; naming it is part of the learning.
    Mode {
        Leadership = "leadership", "Leadership";
        Management = "management", "Management";
        Followership = "followership", "Followership";
    }
}

vocabulary! {
    /// The trainee's part in an activity.
    Role {
        Led = "led", "Led";
        Contributed = "contributed", "Contributed";
        Observed = "observed", "Observed";
    }
}

vocabulary! {
    /// The level leadership operated at.
    Level {
        Own = "self", "Self";
        Team = "team", "Team";
        Organisation = "organisation", "Organisation";
        System = "system", "System";
    }
}

vocabulary! {
    /// A way of structuring a reflection.
    ReflectiveModel {
        WhatSoWhatNowWhat = "what_so_what_now_what", "What? So what? Now what?";
        Gibbs = "gibbs", "Gibbs' reflective cycle";
        Kolb = "kolb", "Kolb's learning cycle";
        FreeText = "free_text", "Free text";
    }
}

/// One section of a reflective model: a stable key and the prompt shown to the trainee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReflectionPrompt {
    /// Stable key of the section, stored in the entry document.
    pub key: &'static str,
    /// Short heading for the section.
    pub heading: &'static str,
    /// The question that helps the trainee write it.
    pub prompt: &'static str,
}

const fn prompt(
    key: &'static str,
    heading: &'static str,
    prompt: &'static str,
) -> ReflectionPrompt {
    ReflectionPrompt {
        key,
        heading,
        prompt,
    }
}

impl ReflectiveModel {
    /// The model offered when the trainee has not chosen one (Rolfe et al., 2001).
    pub const DEFAULT: ReflectiveModel = ReflectiveModel::WhatSoWhatNowWhat;

    /// The sections of this model, in order.
    pub const fn prompts(self) -> &'static [ReflectionPrompt] {
        match self {
            ReflectiveModel::WhatSoWhatNowWhat => WHAT_SO_WHAT_NOW_WHAT,
            ReflectiveModel::Gibbs => GIBBS,
            ReflectiveModel::Kolb => KOLB,
            ReflectiveModel::FreeText => FREE_TEXT,
        }
    }
}

const WHAT_SO_WHAT_NOW_WHAT: &[ReflectionPrompt] = &[
    prompt(
        "what",
        "What?",
        "What happened, and what was your part in it?",
    ),
    prompt(
        "so_what",
        "So what?",
        "Why does it matter? What did you learn about yourself, the team or the system?",
    ),
    prompt(
        "now_what",
        "Now what?",
        "What will you do differently or try next time?",
    ),
];

const GIBBS: &[ReflectionPrompt] = &[
    prompt("description", "Description", "What happened?"),
    prompt(
        "feelings",
        "Feelings",
        "What were you thinking and feeling?",
    ),
    prompt(
        "evaluation",
        "Evaluation",
        "What was good and bad about the experience?",
    ),
    prompt(
        "analysis",
        "Analysis",
        "What sense can you make of the situation?",
    ),
    prompt("conclusion", "Conclusion", "What else could you have done?"),
    prompt(
        "action_plan",
        "Action plan",
        "If it arose again, what would you do?",
    ),
];

const KOLB: &[ReflectionPrompt] = &[
    prompt(
        "concrete_experience",
        "Concrete experience",
        "What did you do or see?",
    ),
    prompt(
        "reflective_observation",
        "Reflective observation",
        "Looking back, what do you notice about it?",
    ),
    prompt(
        "abstract_conceptualisation",
        "Abstract conceptualisation",
        "What general lesson or idea does it suggest?",
    ),
    prompt(
        "active_experimentation",
        "Active experimentation",
        "How will you try that out?",
    ),
];

const FREE_TEXT: &[ReflectionPrompt] = &[prompt(
    "free_text",
    "Reflection",
    "What did you learn, and what will you do next?",
)];

vocabulary! {
    /// How much supervision a supervisor judges the trainee needs for this kind of activity.
    Entrustment {
        ObserveOnly = "1", "1 — Observe only";
        DirectSupervision = "2", "2 — Act with direct supervision";
        IndirectSupervision = "3", "3 — Act with indirect supervision";
        Unsupervised = "4", "4 — Act unsupervised";
        SuperviseOthers = "5", "5 — Supervise others";
    }
}

vocabulary! {
    /// The part a supervisor plays in a trainee's development.
    Relation {
        EducationalSupervisor = "educational_supervisor", "Educational supervisor";
        ClinicalSupervisor = "clinical_supervisor", "Clinical supervisor";
        Mentor = "mentor", "Mentor";
        Coach = "coach", "Coach";
    }
}

vocabulary! {
    /// A published framework of leadership capabilities an entry can be tagged with.
    Framework {
        Mlcf = "mlcf", "Medical Leadership Competency Framework";
        Hlm = "hlm", "Healthcare Leadership Model";
        Fmlm = "fmlm", "FMLM Leadership and management standards";
        GmcGpc = "gmc_gpc", "GMC Generic Professional Capabilities";
    }
}

/// One capability of a framework: a stable code, its label and the heading it sits under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capability {
    /// Stable code stored in entries, prefixed by the framework's code.
    pub code: &'static str,
    /// The framework's own words for it.
    pub label: &'static str,
    /// The domain or group it belongs to within the framework.
    pub group: &'static str,
}

const fn cap(code: &'static str, label: &'static str, group: &'static str) -> Capability {
    Capability { code, label, group }
}

const MLCF_PERSONAL: &str = "Demonstrating personal qualities";
const MLCF_OTHERS: &str = "Working with others";
const MLCF_MANAGING: &str = "Managing services";
const MLCF_IMPROVING: &str = "Improving services";
const MLCF_DIRECTION: &str = "Setting direction";
const HLM: &str = "Healthcare Leadership Model dimensions";
const FMLM: &str = "Level of leadership";
const GPC: &str = "Domain 5";

const MLCF: &[Capability] = &[
    cap("mlcf.1.1", "Developing self awareness", MLCF_PERSONAL),
    cap("mlcf.1.2", "Managing yourself", MLCF_PERSONAL),
    cap("mlcf.1.3", "Continuing personal development", MLCF_PERSONAL),
    cap("mlcf.1.4", "Acting with integrity", MLCF_PERSONAL),
    cap("mlcf.2.1", "Developing networks", MLCF_OTHERS),
    cap(
        "mlcf.2.2",
        "Building and maintaining relationships",
        MLCF_OTHERS,
    ),
    cap("mlcf.2.3", "Encouraging contribution", MLCF_OTHERS),
    cap("mlcf.2.4", "Working within teams", MLCF_OTHERS),
    cap("mlcf.3.1", "Planning", MLCF_MANAGING),
    cap("mlcf.3.2", "Managing resources", MLCF_MANAGING),
    cap("mlcf.3.3", "Managing people", MLCF_MANAGING),
    cap("mlcf.3.4", "Managing performance", MLCF_MANAGING),
    cap("mlcf.4.1", "Ensuring patient safety", MLCF_IMPROVING),
    cap("mlcf.4.2", "Critically evaluating", MLCF_IMPROVING),
    cap(
        "mlcf.4.3",
        "Encouraging improvement and innovation",
        MLCF_IMPROVING,
    ),
    cap("mlcf.4.4", "Facilitating transformation", MLCF_IMPROVING),
    cap(
        "mlcf.5.1",
        "Identifying the contexts for change",
        MLCF_DIRECTION,
    ),
    cap(
        "mlcf.5.2",
        "Applying knowledge and evidence",
        MLCF_DIRECTION,
    ),
    cap("mlcf.5.3", "Making decisions", MLCF_DIRECTION),
    cap("mlcf.5.4", "Evaluating impact", MLCF_DIRECTION),
];

const HLM_DIMENSIONS: &[Capability] = &[
    cap(
        "hlm.inspiring_shared_purpose",
        "Inspiring shared purpose",
        HLM,
    ),
    cap("hlm.leading_with_care", "Leading with care", HLM),
    cap("hlm.evaluating_information", "Evaluating information", HLM),
    cap("hlm.connecting_our_service", "Connecting our service", HLM),
    cap("hlm.sharing_the_vision", "Sharing the vision", HLM),
    cap("hlm.engaging_the_team", "Engaging the team", HLM),
    cap("hlm.holding_to_account", "Holding to account", HLM),
    cap("hlm.developing_capability", "Developing capability", HLM),
    cap(
        "hlm.influencing_for_results",
        "Influencing for results",
        HLM,
    ),
];

// FMLM's standards are organised by level; DOMAIN.md asks us to use the levels and not
// invent standard wording.
const FMLM_LEVELS: &[Capability] = &[
    cap("fmlm.self", "Self", FMLM),
    cap("fmlm.team", "Team", FMLM),
    cap(
        "fmlm.organisation_system",
        "Organisation and system (corporate responsibility)",
        FMLM,
    ),
];

const GMC_GPC: &[Capability] = &[cap(
    "gmc_gpc.5",
    "Capabilities in leadership and team working",
    GPC,
)];

impl Framework {
    /// The framework offered until the trainee picks one.
    pub const DEFAULT: Framework = Framework::Mlcf;

    /// The capabilities of this framework, in the framework's order.
    pub const fn capabilities(self) -> &'static [Capability] {
        match self {
            Framework::Mlcf => MLCF,
            Framework::Hlm => HLM_DIMENSIONS,
            Framework::Fmlm => FMLM_LEVELS,
            Framework::GmcGpc => GMC_GPC,
        }
    }
}

/// Finds a capability of any framework by its code.
pub fn capability(code: &str) -> Option<&'static Capability> {
    Framework::ALL
        .iter()
        .flat_map(|framework| framework.capabilities())
        .find(|capability| capability.code == code)
}

/// The MLCF domain a benchmark workload names by slug (such as `setting_direction`),
/// as the codes of its four elements.
pub fn mlcf_domain_by_slug(slug: &str) -> Option<&'static [Capability]> {
    let start = match slug {
        "demonstrating_personal_qualities" => 0,
        "working_with_others" => 4,
        "managing_services" => 8,
        "improving_services" => 12,
        "setting_direction" => 16,
        _ => return None,
    };
    Some(&MLCF[start..start + 4])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let kinds: HashSet<_> = ActivityKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(kinds.len(), ActivityKind::ALL.len());
        for kind in ActivityKind::ALL {
            assert_eq!(ActivityKind::from_code(kind.code()), Some(*kind));
        }
        assert_eq!(Role::from_code("led"), Some(Role::Led));
        assert_eq!(Mode::from_code("nonsense"), None);
    }

    #[test]
    fn serde_uses_the_stable_codes() {
        let json = serde_json::to_string(&ActivityKind::WardRound).expect("serialises");
        assert_eq!(json, "\"ward_round\"");
        let level: Level = serde_json::from_str("\"self\"").expect("parses");
        assert_eq!(level, Level::Own);
    }

    #[test]
    fn every_group_has_kinds_and_every_benchmark_kind_exists() {
        for group in ActivityGroup::ALL {
            assert!(
                ActivityKind::in_group(*group).count() > 0,
                "{group} is empty"
            );
        }
        for code in [
            "ward_round",
            "handover",
            "meeting_chair",
            "qi_project",
            "teaching",
            "rota",
            "shadowing",
            "acting_up",
            "crisis",
            "mdt",
        ] {
            assert!(ActivityKind::from_code(code).is_some(), "{code} missing");
        }
    }

    #[test]
    fn frameworks_have_the_published_shape() {
        assert_eq!(Framework::Mlcf.capabilities().len(), 20);
        assert_eq!(Framework::Hlm.capabilities().len(), 9);
        assert_eq!(Framework::Fmlm.capabilities().len(), 3);
        let codes: HashSet<_> = Framework::ALL
            .iter()
            .flat_map(|f| f.capabilities())
            .map(|c| c.code)
            .collect();
        assert_eq!(
            codes.len(),
            33,
            "capability codes are unique across frameworks"
        );
        assert_eq!(
            capability("mlcf.5.3").map(|c| c.label),
            Some("Making decisions")
        );
        let direction = mlcf_domain_by_slug("setting_direction").expect("known slug");
        assert!(direction.iter().all(|c| c.group == "Setting direction"));
        assert!(mlcf_domain_by_slug("vibes").is_none());
    }

    #[test]
    fn reflective_models_have_their_sections() {
        assert_eq!(ReflectiveModel::DEFAULT.prompts().len(), 3);
        assert_eq!(ReflectiveModel::Gibbs.prompts().len(), 6);
        assert_eq!(ReflectiveModel::Kolb.prompts().len(), 4);
        assert_eq!(ReflectiveModel::FreeText.prompts().len(), 1);
    }
}
