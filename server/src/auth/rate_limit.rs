//! Counts failed guesses at a secret (a password at sign-in, an invite code) in
//! memory, per account and per client address, over a sliding window. Callers pass
//! the current `Instant` in, so tests control time.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How far back failures count.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures one account may have within the window.
pub const ACCOUNT_LIMIT: usize = 5;
/// Failures one client address may have within the window.
pub const ADDRESS_LIMIT: usize = 20;
/// Longest account key kept, in characters: the longest email address there can be.
const ACCOUNT_KEY_MAX_CHARS: usize = 254;
/// How often stale entries are swept, so memory follows recent traffic only.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Failed attempts, per account (a normalised email, or a user id) and per client
/// address. Each kind of secret has its own limiter.
#[derive(Debug)]
pub struct FailureLimiter {
    state: Mutex<Failures>,
}

#[derive(Debug)]
struct Failures {
    by_account: HashMap<String, VecDeque<Instant>>,
    by_address: HashMap<IpAddr, VecDeque<Instant>>,
    last_prune: Instant,
}

impl FailureLimiter {
    /// An empty limiter; `now` starts the pruning clock.
    pub fn new(now: Instant) -> Self {
        Self {
            state: Mutex::new(Failures {
                by_account: HashMap::new(),
                by_address: HashMap::new(),
                last_prune: now,
            }),
        }
    }

    /// Admits an attempt for `account` from `address`, or says how long to wait.
    ///
    /// An admitted attempt is counted as a failure straight away, so many guesses sent
    /// at once cannot all slip in before the first is checked; `succeeded` takes it back.
    pub fn begin(&self, account: &str, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let account = account_key(account);
        let address = address_key(address);
        let mut state = self.lock();
        state.prune(now);
        let state = &mut *state;
        let wait = [
            wait_for(state.by_account.get_mut(account), ACCOUNT_LIMIT, now),
            wait_for(state.by_address.get_mut(&address), ADDRESS_LIMIT, now),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        push(&mut state.by_account, account.to_owned(), now);
        push(&mut state.by_address, address, now);
        Ok(())
    }

    /// Records that the attempt admitted at `began` succeeded: the account's failures
    /// are cleared and the address's count no longer includes this attempt.
    pub fn succeeded(&self, account: &str, address: IpAddr, began: Instant) {
        let account = account_key(account);
        let address = address_key(address);
        let mut state = self.lock();
        state.by_account.remove(account);
        if let Some(times) = state.by_address.get_mut(&address) {
            if let Some(index) = times.iter().rposition(|time| *time == began) {
                times.remove(index);
            }
            if times.is_empty() {
                state.by_address.remove(&address);
            }
        }
    }

    /// How many accounts and addresses are being tracked, to check memory stays bounded.
    #[cfg(test)]
    fn tracked(&self) -> (usize, usize) {
        let state = self.lock();
        (state.by_account.len(), state.by_address.len())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Failures> {
        // The counts stay consistent even if a holder panicked: every change is one step.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Failures {
    /// Drops failures older than the window, and keys left with none, once a minute.
    fn prune(&mut self, now: Instant) {
        if now.saturating_duration_since(self.last_prune) < PRUNE_EVERY {
            return;
        }
        self.last_prune = now;
        prune_map(&mut self.by_account, now);
        prune_map(&mut self.by_address, now);
    }
}

fn prune_map<K: Eq + Hash>(map: &mut HashMap<K, VecDeque<Instant>>, now: Instant) {
    map.retain(|_, times| {
        drop_expired(times, now);
        !times.is_empty()
    });
}

/// Failures are kept oldest first, so the expired ones are at the front.
fn drop_expired(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|time| now.saturating_duration_since(*time) >= WINDOW)
    {
        times.pop_front();
    }
}

/// How long until the oldest counted failure leaves the window, if `limit` is reached.
fn wait_for(times: Option<&mut VecDeque<Instant>>, limit: usize, now: Instant) -> Option<Duration> {
    let times = times?;
    drop_expired(times, now);
    let oldest = *times.front()?;
    (times.len() >= limit).then(|| (oldest + WINDOW).saturating_duration_since(now))
}

fn push<K: Eq + Hash>(map: &mut HashMap<K, VecDeque<Instant>>, key: K, now: Instant) {
    map.entry(key).or_default().push_back(now);
}

/// At most the length of the longest real email, so a megabyte "email" does not
/// become a megabyte of memory; no account has a longer one.
fn account_key(account: &str) -> &str {
    match account.char_indices().nth(ACCOUNT_KEY_MAX_CHARS) {
        Some((end, _)) => &account[..end],
        None => account,
    }
}

/// The unit one client controls: an IPv4 address, or an IPv6 /64, since one host
/// can usually pick any address within its /64.
fn address_key(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let prefix = v6.to_bits() & !u128::from(u64::MAX);
            IpAddr::V6(Ipv6Addr::from_bits(prefix))
        }
        v4 => v4,
    }
}

/// Whole seconds to tell the client to wait: rounded up, and at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

    fn ip(n: u8) -> IpAddr {
        IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, n))
    }

    #[test]
    fn the_sixth_attempt_on_an_account_waits_for_the_oldest_to_expire() {
        let start = Instant::now();
        let limiter = FailureLimiter::new(start);
        for minute in 0..5 {
            let now = start + Duration::from_secs(60 * minute);
            assert_eq!(limiter.begin("a@example.com", HOME, now), Ok(()));
        }
        let now = start + Duration::from_secs(5 * 60);
        let wait = limiter
            .begin("a@example.com", HOME, now)
            .expect_err("limited");
        assert_eq!(wait, Duration::from_secs(10 * 60));
        // Another account from the same address is not affected.
        assert_eq!(limiter.begin("b@example.com", HOME, now), Ok(()));
        // Once the first failure leaves the window, one more attempt is allowed.
        let later = start + WINDOW;
        assert_eq!(limiter.begin("a@example.com", HOME, later), Ok(()));
        assert!(limiter.begin("a@example.com", HOME, later).is_err());
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let start = Instant::now();
        let limiter = FailureLimiter::new(start);
        for n in 0..ADDRESS_LIMIT {
            let account = format!("user{n}@example.com");
            assert_eq!(limiter.begin(&account, HOME, start), Ok(()));
        }
        let wait = limiter
            .begin("new@example.com", HOME, start + Duration::from_secs(1))
            .expect_err("address limited");
        assert_eq!(retry_after_secs(wait), WINDOW.as_secs() - 1);
        assert_eq!(limiter.begin("new@example.com", ip(7), start), Ok(()));
    }

    #[test]
    fn success_clears_the_account_and_refunds_the_address() {
        let start = Instant::now();
        let limiter = FailureLimiter::new(start);
        for _ in 0..4 {
            limiter
                .begin("a@example.com", HOME, start)
                .expect("admitted");
        }
        let began = start + Duration::from_secs(1);
        limiter
            .begin("a@example.com", HOME, began)
            .expect("admitted");
        limiter.succeeded("a@example.com", HOME, began);
        assert_eq!(limiter.begin("a@example.com", HOME, began), Ok(()));
        let (accounts, addresses) = limiter.tracked();
        assert_eq!((accounts, addresses), (1, 1));
    }

    #[test]
    fn ipv6_neighbours_in_one_64_share_a_count() {
        let start = Instant::now();
        let limiter = FailureLimiter::new(start);
        for n in 0..ADDRESS_LIMIT {
            let address: IpAddr = format!("2001:db8::{n:x}").parse().expect("ip");
            limiter
                .begin(&format!("u{n}"), address, start)
                .expect("admitted");
        }
        let neighbour: IpAddr = "2001:db8::ffff".parse().expect("ip");
        assert!(limiter.begin("other", neighbour, start).is_err());
        let elsewhere: IpAddr = "2001:db8:0:1::1".parse().expect("ip");
        assert_eq!(limiter.begin("other", elsewhere, start), Ok(()));
    }

    #[test]
    fn old_entries_are_pruned() {
        let start = Instant::now();
        let limiter = FailureLimiter::new(start);
        for n in 0..10 {
            limiter
                .begin(&format!("user{n}@example.com"), ip(n), start)
                .expect("admitted");
        }
        assert_eq!(limiter.tracked(), (10, 10));
        let later = start + WINDOW;
        limiter
            .begin("late@example.com", HOME, later)
            .expect("admitted");
        assert_eq!(limiter.tracked(), (1, 1));
    }

    #[test]
    fn account_keys_are_bounded() {
        assert_eq!(account_key("a@example.com"), "a@example.com");
        let huge = "é".repeat(10_000);
        assert_eq!(account_key(&huge).chars().count(), ACCOUNT_KEY_MAX_CHARS);
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(900)), 900);
    }
}
