//! `waymark demo`: a demo trainee and a demo supervisor, and a realistic portfolio for
//! the trainee, so a newcomer signs in to a living app at once.
//!
//! The portfolio's shape comes from the benchmark workload (`shared::workload`: kinds,
//! dates, settings, roles, capabilities and tags from its fixed seed), squeezed into the
//! past two years and spread over four rotations; titles and reflections are replaced
//! by readable ones. The supervisor is the trainee's educational supervisor; about one
//! entry in five is shared with them and carries their feedback (some signed off with
//! an entrustment level), and the latest few are shared and await it. The documents
//! are written by one Automerge actor, the demo's own, bound to the trainee.

use crate::auth::{self, AuthError, User};
use crate::db::{Database, DatabaseError};
use crate::sync::{DocWrite, Store};
use crate::Config;
use futures_util::{StreamExt, TryStreamExt};
use shared::automerge::AutoCommit;
use shared::day::Day;
use shared::entry::{Author, CommentDraft, DocumentError, EntryDoc, EntryEdit, Now};
use shared::profile::{Profile, ProfileDoc, Rotation};
use shared::vocabulary::{ActivityKind, Entrustment, Relation};
use shared::workload::{Portfolio, WorkloadEntry, WorkloadError};
use shared::ActorId;
use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

/// The demo trainee's email address.
pub const TRAINEE_EMAIL: &str = "trainee@demo.waymark";
/// The demo trainee's name.
pub const TRAINEE_NAME: &str = "Dr Alex Morgan";
/// The demo supervisor's email address.
pub const SUPERVISOR_EMAIL: &str = "supervisor@demo.waymark";
/// The demo supervisor's name.
pub const SUPERVISOR_NAME: &str = "Dr Priya Shah";
/// The password of both demo accounts.
pub const PASSWORD: &str = "waymark-demo";

/// The most entries a demo portfolio may have.
const MAX_ENTRIES: u32 = 5_000;
/// How far back the portfolio reaches, in days.
const SPAN_DAYS: i64 = 730;
/// How far back the workload generator dates entries, in days.
const WORKLOAD_SPAN_DAYS: i64 = 1_500;
/// Documents handed to the store at once, so its writer can group them.
const IN_FLIGHT: usize = 64;
const DAY_MILLIS: i64 = 86_400_000;
/// The latest entries are shared with the supervisor and await their feedback.
const AWAITING_FEEDBACK: usize = 4;

/// Options of `waymark demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoOptions {
    /// How many entries the demo trainee's portfolio has.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_ENTRIES)))]
    pub entries: u32,
}

/// Why the demo could not be set up, in words for whoever runs it.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error("cannot look up the demo accounts: {0}")]
    Lookup(#[from] sqlx::Error),
    #[error("cannot create the demo account {email}: {source}")]
    Account {
        email: &'static str,
        source: AuthError,
    },
    #[error("cannot build the demo portfolio: {0}")]
    Workload(#[from] WorkloadError),
    #[error("cannot build the demo portfolio: {0}")]
    Document(#[from] DocumentError),
    #[error("cannot store the demo portfolio: {0}")]
    Store(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("the system clock is before 1970; set the date and try again")]
    Clock,
}

/// What a run of the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The portfolio was stored now.
    Created {
        /// The demo trainee.
        trainee: User,
        /// The demo supervisor.
        supervisor: User,
        /// Entries stored.
        entries: usize,
        /// Rotations the entries fall in.
        rotations: usize,
        /// Supervisor comments among them.
        comments: usize,
    },
    /// The trainee already had documents; nothing was changed.
    AlreadyThere {
        /// How many documents the trainee has.
        documents: i64,
    },
}

/// A post in the demo trainee's training, `from_days`..`to_days` relative to today.
struct Post {
    post: &'static str,
    place: &'static str,
    from_days: i64,
    to_days: i64,
}

/// Four six-month rotations over the past two years; the last is the current one.
const POSTS: [Post; 4] = [
    Post {
        post: "ST2 Respiratory Medicine",
        place: "Northgate General Hospital",
        from_days: -SPAN_DAYS,
        to_days: -549,
    },
    Post {
        post: "ST2 Acute Medicine",
        place: "Northgate General Hospital",
        from_days: -548,
        to_days: -366,
    },
    Post {
        post: "ST3 Cardiology",
        place: "Riverside University Hospital",
        from_days: -365,
        to_days: -183,
    },
    Post {
        post: "ST3 Geriatric Medicine",
        place: "Riverside University Hospital",
        from_days: -182,
        to_days: 182,
    },
];

/// Opens the configured database, sets the demo up and prints what happened.
pub async fn main(config: &Config, options: &DemoOptions) -> Result<(), DemoError> {
    let database = Database::open(&config.database_target()?).await?;
    let outcome = run(&database, options).await;
    database.close().await;
    match outcome? {
        Outcome::Created {
            entries,
            rotations,
            comments,
            ..
        } => println!(
            "Done: {entries} entries across {rotations} rotations, {comments} with a comment from {SUPERVISOR_NAME}, and a profile."
        ),
        Outcome::AlreadyThere { documents } => println!(
            "The demo is already set up ({documents} documents for {TRAINEE_EMAIL}); nothing was changed."
        ),
    }
    println!();
    println!(
        "Start Waymark and open http://{}:{}/, then sign in as",
        config.host, config.port
    );
    println!("  trainee:    {TRAINEE_EMAIL}  password {PASSWORD}  ({TRAINEE_NAME})");
    println!("  supervisor: {SUPERVISOR_EMAIL}  password {PASSWORD}  ({SUPERVISOR_NAME})");
    println!("{SUPERVISOR_NAME} is {TRAINEE_NAME}'s educational supervisor and sees the entries shared with them in the Inbox.");
    Ok(())
}

/// Creates the demo accounts (keeping any that exist) and, unless the trainee already
/// has documents, stores their portfolio and profile.
pub async fn run(database: &Database, options: &DemoOptions) -> Result<Outcome, DemoError> {
    let trainee = ensure_account(database, TRAINEE_EMAIL, TRAINEE_NAME).await?;
    let supervisor = ensure_account(database, SUPERVISOR_EMAIL, SUPERVISOR_NAME).await?;
    let documents = documents_owned_by(database, &trainee.id).await?;
    if documents > 0 {
        return Ok(Outcome::AlreadyThere { documents });
    }
    let now_millis = now_millis()?;
    let today = Day::UNIX_EPOCH.plus_days(now_millis.div_euclid(DAY_MILLIS));
    let actor = ActorId::random();
    let count = usize::try_from(options.entries).unwrap_or(usize::MAX);
    println!("Creating {count} entries…");
    let (mut writes, tally) = portfolio(&trainee, &supervisor, count, today, &actor)?;
    writes.push(profile_write(&trainee, today, &actor)?);
    supervise(database, &trainee, &supervisor, now_millis / 1000).await?;
    store(database, writes).await?;
    Ok(Outcome::Created {
        trainee,
        supervisor,
        entries: count,
        rotations: tally.rotations.len(),
        comments: tally.comments,
    })
}

/// Makes `supervisor` the trainee's educational supervisor, sharing new entries.
async fn supervise(
    database: &Database,
    trainee: &User,
    supervisor: &User,
    now_secs: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO supervision (id, trainee_id, supervisor_id, relation, share_new, started_at) \
         VALUES ($1, $2, $3, $4, 1, $5)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(&trainee.id)
    .bind(&supervisor.id)
    .bind(Relation::EducationalSupervisor.code())
    .bind(now_secs)
    .execute(database.pool())
    .await?;
    Ok(())
}

/// The account with this email, created with the demo password if there is none.
async fn ensure_account(
    database: &Database,
    email: &'static str,
    name: &str,
) -> Result<User, DemoError> {
    if let Some(user) = find_account(database, email).await? {
        println!("The demo account {email} already exists.");
        return Ok(user);
    }
    let user = auth::create_account(database, email, name, PASSWORD)
        .await
        .map_err(|source| DemoError::Account { email, source })?;
    println!("Created the demo account {email} ({name}).");
    Ok(user)
}

async fn find_account(database: &Database, email: &str) -> Result<Option<User>, sqlx::Error> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT id, email, display_name FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(database.pool())
            .await?;
    Ok(row.map(|(id, email, display_name)| User {
        id,
        email,
        display_name,
    }))
}

async fn documents_owned_by(database: &Database, owner: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM documents WHERE owner_id = $1")
        .bind(owner)
        .fetch_one(database.pool())
        .await
}

fn now_millis() -> Result<i64, DemoError> {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| DemoError::Clock)?;
    i64::try_from(since_epoch.as_millis()).map_err(|_| DemoError::Clock)
}

/// What went into a portfolio.
#[derive(Default)]
struct Tally {
    /// The posts its entries were logged in.
    rotations: BTreeSet<&'static str>,
    /// How many entries carry a comment.
    comments: usize,
}

/// The trainee's entries as writes, with what went into them.
fn portfolio(
    trainee: &User,
    supervisor: &User,
    count: usize,
    today: Day,
    actor: &ActorId,
) -> Result<(Vec<DocWrite>, Tally), DemoError> {
    let mut tally = Tally::default();
    let mut writes = Vec::with_capacity(count + 1);
    for (index, generated) in Portfolio::generate(count, today)
        .entries
        .into_iter()
        .enumerate()
    {
        let mut entry = demo_entry(index, generated, today, actor)?;
        tally.rotations.insert(entry.post.post);
        // About one entry in five has feedback from the supervisor, two days later;
        // the latest few are shared and await it.
        let commented = index % 5 == 2;
        let shared = commented || index + AWAITING_FEEDBACK >= count;
        if shared {
            let now = Now {
                millis: entry.logged_at,
                today,
            };
            let edit = EntryEdit::Share {
                user: supervisor.id.clone(),
                shared: true,
            };
            entry.doc.apply(&edit, now)?;
        }
        if commented {
            let author = Author {
                id: supervisor.id.clone(),
                name: supervisor.display_name.clone(),
            };
            // Every other one is signed off, with an entrustment level.
            let assessed = index % 10 == 2;
            let feedback = CommentDraft {
                body: COMMENTS[index % COMMENTS.len()].into(),
                entrustment: assessed.then_some(Entrustment::IndirectSupervision),
                sign_off: assessed,
            };
            let id = uuid::Uuid::new_v4().to_string();
            let at = entry.logged_at + 2 * DAY_MILLIS;
            entry.doc.add_comment(&id, &author, &feedback, at)?;
            tally.comments += 1;
        }
        let mut write = write(entry.id, &trainee.id, entry.doc.automerge_mut());
        if shared {
            write.shares = Some(vec![supervisor.id.clone()]);
            write.may_have_readers = true;
        }
        writes.push(write);
    }
    Ok((writes, tally))
}

/// One demo entry and what the portfolio needs to know about it.
struct DemoEntry {
    id: String,
    /// When it was logged, in milliseconds since 1970.
    logged_at: i64,
    /// The rotation it was logged in.
    post: &'static Post,
    doc: EntryDoc,
}

/// One generated entry as a document: within the past two years, in its rotation,
/// with a readable title and reflection, logged the evening of the day it happened.
fn demo_entry(
    index: usize,
    mut entry: WorkloadEntry,
    today: Day,
    actor: &ActorId,
) -> Result<DemoEntry, DemoError> {
    let days_ago = today.days_since(entry.occurred_on) * SPAN_DAYS / WORKLOAD_SPAN_DAYS;
    entry.occurred_on = today.plus_days(-days_ago);
    entry.id = uuid::Uuid::new_v4().to_string();
    let text = &TEXTS[kind_index(entry.kind)];
    entry.title = text.titles[index % text.titles.len()].to_owned();
    entry.reflection = text.what.to_owned();
    let minutes = i64::try_from(index % 180).unwrap_or(0);
    let now = Now {
        millis: day_millis(entry.occurred_on) + 17 * 3_600_000 + minutes * 60_000,
        today: entry.occurred_on,
    };
    let mut doc = entry.to_document(now, actor.clone())?;
    let post = post_on(-days_ago);
    doc.apply(
        &EntryEdit::Rotation(format!("{}, {}", post.post, post.place)),
        now,
    )?;
    for (section, text) in [("so_what", text.so_what), ("now_what", text.now_what)] {
        doc.apply(
            &EntryEdit::Reflection {
                section: section.into(),
                text: text.into(),
            },
            now,
        )?;
    }
    Ok(DemoEntry {
        id: entry.id,
        logged_at: now.millis,
        post,
        doc,
    })
}

/// The post the trainee was in `offset` days from today (0 or less).
fn post_on(offset: i64) -> &'static Post {
    POSTS
        .iter()
        .find(|post| (post.from_days..=post.to_days).contains(&offset))
        .unwrap_or(&POSTS[POSTS.len() - 1])
}

/// Milliseconds since 1970 at the start of `day` (UTC).
fn day_millis(day: Day) -> i64 {
    day.days_since(Day::UNIX_EPOCH) * DAY_MILLIS
}

/// The trainee's profile: name, grade, specialty and the current rotation.
fn profile_write(trainee: &User, today: Day, actor: &ActorId) -> Result<DocWrite, DemoError> {
    let current = &POSTS[POSTS.len() - 1];
    let mut doc = ProfileDoc::new(actor.clone());
    doc.update(&Profile {
        display_name: TRAINEE_NAME.into(),
        grade: "ST3".into(),
        specialty: "General Internal Medicine".into(),
        rotation: Rotation {
            post: current.post.into(),
            place: current.place.into(),
            starts_on: Some(today.plus_days(current.from_days)),
            ends_on: Some(today.plus_days(current.to_days)),
        },
        ..Profile::default()
    })?;
    Ok(write(
        format!("profile:{}", trainee.id),
        &trainee.id,
        doc.automerge_mut(),
    ))
}

/// The store's write of a whole new document: saved once, it is both the snapshot and
/// the bytes appended to the change log.
fn write(doc_id: String, author: &str, doc: &mut AutoCommit) -> DocWrite {
    let actors: BTreeSet<String> = doc
        .get_changes(&[])
        .iter()
        .map(|change| change.actor_id().to_hex_string())
        .collect();
    let snapshot = doc.save();
    DocWrite {
        doc_id,
        author: author.to_owned(),
        owner: author.to_owned(),
        shares: None,
        may_have_readers: false,
        heads: doc.get_heads().iter().flat_map(|hash| hash.0).collect(),
        actors: actors.into_iter().collect(),
        bytes: snapshot.clone(),
        snapshot,
    }
}

/// Commits every write through the sync store, several at a time, printing progress.
async fn store(database: &Database, writes: Vec<DocWrite>) -> Result<(), DemoError> {
    let store = Store::start(database.clone());
    let total = writes.len();
    let mut stored = 0;
    let mut commits = futures_util::stream::iter(writes)
        .map(|write| store.commit(write))
        .buffer_unordered(IN_FLIGHT)
        .map_err(|error| DemoError::Store(Box::new(error)));
    while commits.try_next().await?.is_some() {
        stored += 1;
        if stored % 100 == 0 && stored < total {
            println!("  stored {stored} of {total} documents…");
        }
    }
    Ok(())
}

/// What a trainee might write about one kind of activity.
struct Texts {
    titles: &'static [&'static str],
    what: &'static str,
    so_what: &'static str,
    now_what: &'static str,
}

/// The index of `kind` in [`TEXTS`] (the kinds the workload generates).
fn kind_index(kind: ActivityKind) -> usize {
    match kind {
        ActivityKind::WardRound => 0,
        ActivityKind::Handover => 1,
        ActivityKind::MeetingChair => 2,
        ActivityKind::QiProject => 3,
        ActivityKind::Teaching => 4,
        ActivityKind::Rota => 5,
        ActivityKind::Shadowing => 6,
        ActivityKind::ActingUp => 7,
        ActivityKind::Crisis => 8,
        _ => 9,
    }
}

const TEXTS: [Texts; 10] = [
    Texts {
        titles: &[
            "Led the post-take ward round with a new FY1",
            "Ran the weekend ward round across two wards",
            "Board round before the consultant arrived",
        ],
        what: "I led the ward round with a junior team and a student. I set the order by acuity, gave each person a role and kept a running jobs list.",
        so_what: "Starting with the sickest patients meant escalations happened before lunch. Asking the FY1 to present built their confidence, but slowed us down.",
        now_what: "Agree timings at the start, and review the jobs list with the nurse in charge before the team splits up.",
    },
    Texts {
        titles: &[
            "Led the evening handover to the night team",
            "Structured handover after a busy take",
            "Handover with an unwell patient still outstanding",
        ],
        what: "I led handover to the night team using a structured format, flagging the unwell patients and outstanding jobs first.",
        so_what: "Being explicit about who owned each task avoided the usual back-and-forth. The night registrar asked fewer clarifying questions than usual.",
        now_what: "Prepare the list twenty minutes earlier and check understanding by asking the receiver to summarise the top risks.",
    },
    Texts {
        titles: &[
            "Chaired the junior doctors' forum",
            "Chaired the departmental governance meeting",
            "Chaired a meeting about the new admissions pathway",
        ],
        what: "I chaired the meeting: agreed the agenda in advance, kept to time and made sure quieter colleagues were asked for their view.",
        so_what: "Two items overran because the decision owner was not in the room. Inviting views explicitly brought out a practical concern about rota gaps.",
        now_what: "Circulate papers a week ahead and check that each decision has its owner present before it goes on the agenda.",
    },
    Texts {
        titles: &[
            "QI project: time to first antibiotic dose",
            "Presented QI data at the audit meeting",
            "QI project: discharge summaries before midday",
        ],
        what: "I worked on our quality improvement project: collected baseline data, ran a PDSA cycle with the ward team and presented the run chart.",
        so_what: "The change only stuck where the nurse in charge was involved from the start. Data shown weekly kept people interested.",
        now_what: "Recruit a nursing co-lead for the next cycle and hand the project on with a written summary before I rotate.",
    },
    Texts {
        titles: &[
            "Teaching session for FY1s on acute kidney injury",
            "Bedside teaching for medical students",
            "Simulation session: the deteriorating patient",
        ],
        what: "I planned and delivered a teaching session, with a short case and time for questions, and asked for written feedback.",
        so_what: "The case-based part worked best; the slides were too dense. Feedback asked for more on escalation and less on physiology.",
        now_what: "Cut the slides by half, open with the case, and finish with a one-line take-home message.",
    },
    Texts {
        titles: &[
            "Rewrote the registrar rota after two gaps",
            "Covered a short-notice rota gap",
            "Agreed fair allocation of bank holiday shifts",
        ],
        what: "I worked on the rota to cover gaps, balancing fairness, training needs and safe staffing, and checked it with the rota coordinator.",
        so_what: "Being open about the rules I used made the changes easier to accept. I underestimated how long agreeing swaps would take.",
        now_what: "Publish the rules with the rota, and start gap-filling a week earlier next time.",
    },
    Texts {
        titles: &[
            "Shadowed the clinical director for a day",
            "Shadowed the site manager during a busy shift",
            "Attended a divisional board meeting as an observer",
        ],
        what: "I shadowed a senior leader for the day, including an operational meeting and a difficult conversation about capacity.",
        so_what: "Much of the work was negotiating between competing priorities with incomplete information. I saw how calmly framing a problem changes the tone of the room.",
        now_what: "Ask to join the bed meeting once a week during this rotation to see how decisions about flow are made.",
    },
    Texts {
        titles: &[
            "Acted up as the medical registrar on call",
            "Acted up covering the consultant's ward",
            "First night as the senior on site",
        ],
        what: "I acted up as the senior decision maker on call, with the consultant available by phone.",
        so_what: "I was more confident than expected making decisions, but hesitated to call the consultant early for one patient.",
        now_what: "Agree call thresholds with the consultant at the start of the shift and write them on the handover sheet.",
    },
    Texts {
        titles: &[
            "Led a cardiac arrest call",
            "Coordinated the team for a peri-arrest patient",
            "Led the response to a major haemorrhage",
        ],
        what: "I led the team in an emergency: assigned roles, kept time and summarised out loud at each cycle.",
        so_what: "Closed-loop communication worked well. The debrief showed that the scribe and I were using different times.",
        now_what: "Name a timekeeper early, and hold a hot debrief every time, however short.",
    },
    Texts {
        titles: &[
            "Led the weekly MDT meeting",
            "MDT discussion about a complex discharge",
            "Coordinated a family meeting with the MDT",
        ],
        what: "I led the multidisciplinary meeting, making sure each profession's view was heard before we agreed a plan.",
        so_what: "The therapists' input changed the discharge plan. Summarising actions with names at the end avoided confusion later.",
        now_what: "Send the action list the same afternoon and check progress at the next board round.",
    },
];

/// What the supervisor says on about one entry in five.
const COMMENTS: [&str; 8] = [
    "Good example of leading under pressure. Bring this to our next meeting and we can map it to the curriculum.",
    "Clear reflection. What would you do differently if the consultant had not been available?",
    "Nice work. Think about how you could share this learning with the FY1s.",
    "This shows real growth since your last rotation. Consider it for your ARCP evidence.",
    "Well handled. Next time, try to get feedback from the nursing team as well.",
    "I like the action plan. Let's check in a month whether it changed your practice.",
    "Thoughtful. How did the team feel about the decision? Worth asking them.",
    "Strong entry. Tag it against working with others as well as improving services.",
];
