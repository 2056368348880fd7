//! Weekly opening hours and the work-time arithmetic on them.
//!
//! Calendar time is an integer count of milliseconds from time 0 = Monday 00:00. A [`Calendar`]
//! is a set of open intervals `[start, end)` within the week, repeated every week. Its *open
//! time* τ(t) is the open milliseconds elapsed in `[0, t)`; work that needs `w` open
//! milliseconds and starts at `t` ends when τ has grown by `w` (preemptive resume: work pauses
//! at closing time and resumes at the next opening). 24x7 is the trivial case, τ(t) = t.
//!
//! Architecture invariant: pure arithmetic, no I/O, no clock.

use super::Invalid;

pub const MINUTE_MS: u64 = 60_000;
pub const HOUR_MS: u64 = 60 * MINUTE_MS;
pub const DAY_MS: u64 = 24 * HOUR_MS;
pub const WEEK_MS: u64 = 7 * DAY_MS;

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FULL_DAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Weekly opening hours. Empty `blocks` means always open (24x7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Open intervals within the week, `[start, end)` in ms from Monday 00:00: sorted, disjoint
    /// and not touching. Empty for 24x7.
    blocks: Vec<(u64, u64)>,
    /// The open time of the week before each block.
    before: Vec<u64>,
    /// Open milliseconds per week.
    open_per_week: u64,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::always()
    }
}

impl Calendar {
    /// Always open: `"24x7"`.
    pub fn always() -> Calendar {
        Calendar {
            blocks: Vec::new(),
            before: Vec::new(),
            open_per_week: WEEK_MS,
        }
    }

    /// Opening hours from intervals within the week (`[start, end)`, ms from Monday 00:00, each
    /// within `0..=WEEK_MS`); overlapping or touching intervals merge. Errors when no time is
    /// open. Intervals covering the whole week give [`Calendar::always`].
    pub fn weekly(intervals: &[(u64, u64)]) -> Result<Calendar, Invalid> {
        let mut iv: Vec<(u64, u64)> = intervals
            .iter()
            .map(|&(s, e)| (s.min(WEEK_MS), e.min(WEEK_MS)))
            .filter(|&(s, e)| e > s)
            .collect();
        if iv.is_empty() {
            return Err("the schedule has no open hours".into());
        }
        iv.sort_unstable();
        let mut blocks: Vec<(u64, u64)> = Vec::with_capacity(iv.len());
        for (s, e) in iv {
            match blocks.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => blocks.push((s, e)),
            }
        }
        if blocks == [(0, WEEK_MS)] {
            return Ok(Calendar::always());
        }
        let mut before = Vec::with_capacity(blocks.len());
        let mut acc = 0;
        for &(s, e) in &blocks {
            before.push(acc);
            acc += e - s;
        }
        Ok(Calendar {
            blocks,
            before,
            open_per_week: acc,
        })
    }

    /// Parses a days spec (`"mon-fri"`, `"sat,sun"`, `"fri-mon"`) and a daily window (`"09:00"`
    /// to `"17:00"`, `"24:00"` allowed as the end) into weekly intervals.
    pub fn block(days: &str, from: &str, to: &str) -> Result<Vec<(u64, u64)>, Invalid> {
        let days = parse_days(days)?;
        let from_ms = parse_clock(from)?;
        let to_ms = parse_clock(to)?;
        if to_ms <= from_ms {
            return Err(Invalid::new(format!(
                "`to` ({to}) must be after `from` ({from}); overnight windows are written as two blocks"
            )));
        }
        Ok(days
            .iter()
            .map(|&d| (d * DAY_MS + from_ms, d * DAY_MS + to_ms))
            .collect())
    }

    pub fn is_always(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Open intervals within the week (empty for 24x7).
    pub fn blocks(&self) -> &[(u64, u64)] {
        &self.blocks
    }

    pub fn open_per_week_ms(&self) -> u64 {
        self.open_per_week
    }

    /// Share of the week that is open.
    pub fn open_fraction(&self) -> f64 {
        self.open_per_week as f64 / WEEK_MS as f64
    }

    /// `"24x7"`, or the blocks as `mon 09:00-17:00, tue 09:00-17:00, ...`.
    pub fn describe(&self) -> String {
        if self.is_always() {
            return "24x7".into();
        }
        let clock = |ms: u64| format!("{:02}:{:02}", ms / HOUR_MS, (ms % HOUR_MS) / MINUTE_MS);
        self.blocks
            .iter()
            .map(|&(s, e)| {
                let day = (s / DAY_MS) as usize;
                let (s_in, e_in) = (s - day as u64 * DAY_MS, e - day as u64 * DAY_MS);
                if e_in <= DAY_MS {
                    format!("{} {}-{}", DAY_NAMES[day], clock(s_in), clock(e_in))
                } else {
                    let end_day = ((e - 1) / DAY_MS) as usize;
                    let e_last = e - end_day as u64 * DAY_MS;
                    format!(
                        "{} {}-{} {}",
                        DAY_NAMES[day],
                        clock(s_in),
                        DAY_NAMES[end_day],
                        clock(e_last)
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn is_open(&self, t: u64) -> bool {
        if self.is_always() {
            return true;
        }
        let r = t % WEEK_MS;
        self.blocks.iter().any(|&(s, e)| s <= r && r < e)
    }

    /// The first open instant at or after `t`.
    pub fn next_open(&self, t: u64) -> u64 {
        if self.is_always() {
            return t;
        }
        let r = t % WEEK_MS;
        let base = t - r;
        match self.blocks.iter().find(|&&(_, e)| e > r) {
            Some(&(s, _)) if s <= r => t,
            Some(&(s, _)) => base + s,
            None => base + WEEK_MS + self.blocks[0].0,
        }
    }

    /// τ(t): the open milliseconds in `[0, t)`.
    #[inline]
    pub fn open_time(&self, t: u64) -> u64 {
        if self.is_always() {
            return t;
        }
        let (w, r) = (t / WEEK_MS, t % WEEK_MS);
        let idx = self.blocks.partition_point(|b| b.0 <= r);
        let within = if idx == 0 {
            0
        } else {
            let (s, e) = self.blocks[idx - 1];
            self.before[idx - 1] + r.min(e) - s
        };
        (w * self.open_per_week).saturating_add(within)
    }

    /// The earliest *open* instant at which τ equals `s`: where work that has reached open time
    /// `s` is being done (at a closing boundary, the next opening).
    #[inline]
    pub fn at_open_start(&self, s: u64) -> u64 {
        if self.is_always() {
            return s;
        }
        let (w, rem) = (s / self.open_per_week, s % self.open_per_week);
        let i = self.before.partition_point(|&b| b <= rem) - 1;
        // Beyond u64 (a queue of work that ends in hundreds of millions of years): held at
        // `u64::MAX`, never wrapped.
        w.saturating_mul(WEEK_MS)
            .saturating_add(self.blocks[i].0 + (rem - self.before[i]))
    }

    /// The earliest instant at which τ equals `s`: when work that needs open time up to `s`
    /// finishes (at a closing boundary, the closing time).
    #[inline]
    pub fn at_open_end(&self, s: u64) -> u64 {
        if self.is_always() || s == 0 {
            return s;
        }
        let w = (s - 1) / self.open_per_week;
        let rem = s - w * self.open_per_week;
        let i = self.before.partition_point(|&b| b < rem) - 1;
        w.saturating_mul(WEEK_MS)
            .saturating_add(self.blocks[i].0 + (rem - self.before[i]))
    }

    /// When work needing `work_ms` of open time, started (or queued to start) at `start`, ends:
    /// it begins at the next opening and pauses over every closed period.
    pub fn work_end(&self, start: u64, work_ms: u64) -> u64 {
        if work_ms == 0 {
            return start;
        }
        self.at_open_end(self.open_time(start).saturating_add(work_ms))
    }

    /// Share of the week from which the next opening is at most `delay_ms` away: the best
    /// response attainment any number of people can reach for evenly spread arrivals when a
    /// response needs someone at work (1 for 24x7).
    pub fn share_within(&self, delay_ms: u64) -> f64 {
        if self.is_always() {
            return 1.0;
        }
        let mut reachable = self.open_per_week;
        for (i, &(_, end)) in self.blocks.iter().enumerate() {
            let next_start = match self.blocks.get(i + 1) {
                Some(&(s, _)) => s,
                None => self.blocks[0].0 + WEEK_MS,
            };
            reachable += (next_start - end).min(delay_ms);
        }
        reachable as f64 / WEEK_MS as f64
    }

    /// Open milliseconds in `[a, b)`.
    pub fn open_between(&self, a: u64, b: u64) -> u64 {
        self.open_time(b).saturating_sub(self.open_time(a))
    }
}

/// `"mon-fri"`, `"sat,sun"`, `"fri-mon"` (ranges wrap over the weekend), `"mon"`; full names
/// (`monday`) also accepted. Returns day indices, Monday = 0, without duplicates.
pub fn parse_days(spec: &str) -> Result<Vec<u64>, Invalid> {
    let day = |s: &str| -> Result<u64, Invalid> {
        let s = s.trim().to_ascii_lowercase();
        DAY_NAMES
            .iter()
            .zip(FULL_DAY_NAMES)
            .position(|(short, full)| s == *short || s == full)
            .map(|i| i as u64)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "`{s}` is not a day; write mon, tue, wed, thu, fri, sat or sun"
                ))
            })
    };
    let mut out = Vec::new();
    for part in spec.split(',') {
        if part.trim().is_empty() {
            return Err(Invalid::new(format!(
                "`{spec}` names no days; write e.g. \"mon-fri\" or \"sat,sun\""
            )));
        }
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut d = a;
                loop {
                    out.push(d);
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => out.push(day(part)?),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// `"09:00"`, `"9:30"`, `"24:00"` → ms after midnight.
pub fn parse_clock(s: &str) -> Result<u64, Invalid> {
    let bad = || {
        Invalid::new(format!(
            "`{s}` is not a time of day; write e.g. \"09:00\" or \"17:30\""
        ))
    };
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
        return Err(bad());
    }
    let h: u64 = h.parse().map_err(|_| bad())?;
    let m: u64 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * HOUR_MS + m * MINUTE_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office() -> Calendar {
        Calendar::weekly(&Calendar::block("mon-fri", "09:00", "17:00").unwrap()).unwrap()
    }

    const MON: u64 = 0;
    const FRI: u64 = 4 * DAY_MS;

    #[test]
    fn always_is_the_identity() {
        let c = Calendar::always();
        for t in [0, 1, 12_345, 3 * WEEK_MS + 17] {
            assert_eq!(c.open_time(t), t);
            assert_eq!(c.next_open(t), t);
            assert_eq!(c.work_end(t, 500), t + 500);
        }
        assert_eq!(c.describe(), "24x7");
        assert_eq!(
            Calendar::weekly(&[(0, WEEK_MS)]).unwrap(),
            Calendar::always()
        );
    }

    #[test]
    fn business_hours_open_time_and_next_open() {
        let c = office();
        assert_eq!(c.open_per_week_ms(), 40 * HOUR_MS);
        assert_eq!(
            c.describe(),
            "mon 09:00-17:00, tue 09:00-17:00, wed 09:00-17:00, thu 09:00-17:00, fri 09:00-17:00"
        );
        assert!(!c.is_open(MON + 8 * HOUR_MS));
        assert!(c.is_open(MON + 9 * HOUR_MS));
        assert!(!c.is_open(MON + 17 * HOUR_MS), "closing time is closed");
        assert_eq!(c.next_open(MON), MON + 9 * HOUR_MS);
        assert_eq!(c.next_open(MON + 10 * HOUR_MS), MON + 10 * HOUR_MS);
        // Friday evening → Monday 09:00 of the next week.
        assert_eq!(c.next_open(FRI + 18 * HOUR_MS), WEEK_MS + 9 * HOUR_MS);
        assert_eq!(c.open_time(MON + 12 * HOUR_MS), 3 * HOUR_MS);
        assert_eq!(c.open_time(DAY_MS), 8 * HOUR_MS);
        assert_eq!(c.open_time(WEEK_MS + 10 * HOUR_MS), 41 * HOUR_MS);
        // Inverses.
        assert_eq!(c.at_open_start(8 * HOUR_MS), DAY_MS + 9 * HOUR_MS);
        assert_eq!(c.at_open_end(8 * HOUR_MS), 17 * HOUR_MS);
        assert_eq!(c.at_open_start(40 * HOUR_MS), WEEK_MS + 9 * HOUR_MS);
        assert_eq!(c.at_open_end(40 * HOUR_MS), FRI + 17 * HOUR_MS);
        for t in (0..3 * WEEK_MS).step_by(7_777_777) {
            let s = c.open_time(t);
            let a = c.at_open_start(s);
            assert_eq!(c.open_time(a), s);
            assert_eq!(c.open_time(c.at_open_end(s)), s);
            if c.is_open(t) {
                assert_eq!(a, t);
            } else {
                assert_eq!(a, c.next_open(t));
            }
        }
    }

    #[test]
    fn work_pauses_over_the_weekend_and_resumes_on_monday() {
        let c = office();
        // Friday 15:00, 5 h of work: 2 h on Friday, then Monday 09:00-12:00.
        let start = FRI + 15 * HOUR_MS;
        assert_eq!(c.work_end(start, 5 * HOUR_MS), WEEK_MS + 12 * HOUR_MS);
        // Exactly the rest of Friday: ends at closing time, not on Monday.
        assert_eq!(c.work_end(start, 2 * HOUR_MS), FRI + 17 * HOUR_MS);
        // Queued on Saturday: starts Monday 09:00.
        assert_eq!(
            c.work_end(FRI + DAY_MS + 3 * HOUR_MS, HOUR_MS),
            WEEK_MS + 10 * HOUR_MS
        );
        // 2 weeks of open time from Monday 09:00.
        assert_eq!(
            c.work_end(9 * HOUR_MS, 80 * HOUR_MS),
            WEEK_MS + FRI + 17 * HOUR_MS
        );
        assert_eq!(c.work_end(start, 0), start);
    }

    #[test]
    fn the_share_of_the_week_within_reach_of_an_opening() {
        let c = office();
        // Open 40 h; four nights of 16 h and a weekend of 64 h.
        assert_eq!(c.share_within(0), 40.0 / 168.0);
        assert_eq!(c.share_within(24 * HOUR_MS), (40.0 + 64.0 + 24.0) / 168.0);
        assert_eq!(c.share_within(64 * HOUR_MS), 1.0);
        assert_eq!(Calendar::always().share_within(0), 1.0);
    }

    #[test]
    fn blocks_merge_wrap_and_reject_nonsense() {
        let mut iv = Calendar::block("fri-mon", "08:00", "24:00").unwrap();
        iv.extend(Calendar::block("sat,sun", "00:00", "08:00").unwrap());
        let c = Calendar::weekly(&iv).unwrap();
        // Mon 08-24, Fri 08-24, Sat and Sun whole days: Fri 08:00 to Sun 24:00 merge.
        assert_eq!(
            c.blocks(),
            &[(8 * HOUR_MS, DAY_MS), (FRI + 8 * HOUR_MS, WEEK_MS)]
        );
        assert_eq!(c.describe(), "mon 08:00-24:00, fri 08:00-sun 24:00");
        assert!(Calendar::weekly(&[]).is_err());
        assert!(Calendar::block("mon-fri", "17:00", "09:00").is_err());
        assert!(Calendar::block("mon-fri", "09:00", "09:00").is_err());
        assert!(Calendar::block("", "09:00", "17:00").is_err());
        assert!(Calendar::block("mon,,tue", "09:00", "17:00").is_err());
        assert!(Calendar::block("funday", "09:00", "17:00").is_err());
        assert!(Calendar::block("mon", "9", "17:00").is_err());
        assert!(Calendar::block("mon", "09:00", "24:30").is_err());
        assert_eq!(parse_days("Monday-wed").unwrap(), vec![0, 1, 2]);
        assert_eq!(parse_days("sun-tue").unwrap(), vec![0, 1, 6]);
        assert!(parse_days("mo").is_err());
        assert!(parse_days("mondays").is_err());
    }
}
