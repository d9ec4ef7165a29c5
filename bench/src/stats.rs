//! Repeated measurements and their summary.

use std::time::{Duration, Instant};

/// The durations of repeated runs of one thing.
#[derive(Debug, Clone, Default)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    /// Runs `f` `runs` times (after one unmeasured warm-up run when `warm`).
    pub fn measure<T>(runs: usize, warm: bool, mut f: impl FnMut() -> T) -> Self {
        if warm {
            std::hint::black_box(f());
        }
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            std::hint::black_box(f());
            samples.push(start.elapsed());
        }
        Self(samples)
    }

    fn sorted(&self) -> Vec<Duration> {
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        sorted
    }

    /// The fastest run.
    pub fn min(&self) -> Duration {
        self.sorted().first().copied().unwrap_or_default()
    }

    /// The middle run (the lower middle for an even count).
    pub fn median(&self) -> Duration {
        let sorted = self.sorted();
        sorted
            .get(sorted.len().saturating_sub(1) / 2)
            .copied()
            .unwrap_or_default()
    }

    /// The slowest run.
    pub fn max(&self) -> Duration {
        self.sorted().last().copied().unwrap_or_default()
    }

    /// `min / median / max` in a fixed-width column.
    pub fn row(&self) -> String {
        format!(
            "{:>9} {:>9} {:>9}",
            seconds(self.min()),
            seconds(self.median()),
            seconds(self.max())
        )
    }
}

/// A duration for people: `12.3 ms`, `4.56 s`.
pub fn seconds(duration: Duration) -> String {
    let s = duration.as_secs_f64();
    if s < 1.0 {
        format!("{:.1} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

/// `a / b` as a ratio for people.
pub fn ratio(a: Duration, b: Duration) -> String {
    if b.is_zero() {
        return "n/a".into();
    }
    format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64())
}
