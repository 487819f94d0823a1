//! The bounded worker pool of rollout: `plan`, `apply` and `export` work on several tenants
//! at once, each tenant on one worker from start to end.
//!
//! Beside the data flow, under `plan`: it only schedules. Work for one tenant runs on one
//! thread in its own order (its requests, its retries and their `Retry-After` waits), so a
//! throttled tenant holds its own worker and no other tenant's. Results come back in the
//! order of the tenants given, whatever order they finish in, so output is deterministic.

use std::fmt;

use rayon::prelude::*;

/// How many tenants are worked on at once (`--jobs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jobs(usize);

impl Jobs {
    /// The default: enough that waiting on Graph, not the worker count, sets the pace for
    /// a few hundred tenants, and few enough to stay far below Graph's per-application
    /// limits.
    pub const DEFAULT: Jobs = Jobs(16);
    /// More workers than this only adds threads: every request already waits on the
    /// network, and Graph throttles an application across tenants too.
    pub const MAX: usize = 64;

    /// `n` workers, refused outside 1..=[`Jobs::MAX`].
    pub fn new(n: usize) -> Result<Jobs, String> {
        if (1..=Jobs::MAX).contains(&n) {
            Ok(Jobs(n))
        } else {
            Err(format!(
                "must be between 1 and {} (tenants worked on at once), not {n}",
                Jobs::MAX
            ))
        }
    }

    pub fn get(self) -> usize {
        self.0
    }
}

impl Default for Jobs {
    fn default() -> Jobs {
        Jobs::DEFAULT
    }
}

impl fmt::Display for Jobs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Told how far the pool has got, for a caller that shows it (the command line draws a
/// progress bar on a terminal). The library only counts; how and whether to show it is the
/// caller's. Called from the workers, so it must be `Sync`.
pub trait Progress: Sync {
    /// `total` items are about to be worked on.
    fn start(&self, total: usize);
    /// One more item is finished (items finish in any order).
    fn advance(&self);
    /// Every item is finished.
    fn finish(&self);
}

/// Progress that nobody is shown.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: usize) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// `work` applied to every item on at most `jobs` threads of a pool of its own (rayon's
/// global pool belongs to `lint`), results in the order of `items`; `progress` is told of
/// each item as it finishes.
pub fn in_order<T, R>(
    jobs: Jobs,
    items: &[T],
    progress: &dyn Progress,
    work: impl Fn(&T) -> R + Sync,
) -> Result<Vec<R>, String>
where
    T: Sync,
    R: Send,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.get().min(items.len()).max(1))
        .thread_name(|i| format!("mamlint-tenant-{i}"))
        .build()
        .map_err(|e| format!("cannot start {jobs} workers: {e}"))?;
    progress.start(items.len());
    // One item per task: a tenant takes seconds of waiting, so splitting finely costs
    // nothing and keeps every worker busy until the last tenant starts.
    let results = pool.install(|| {
        items
            .par_iter()
            .with_max_len(1)
            .map(|item| {
                let result = work(item);
                progress.advance();
                result
            })
            .collect()
    });
    progress.finish();
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn results_keep_the_order_of_the_items_not_of_completion() {
        let finished = Mutex::new(Vec::new());
        let items: Vec<u64> = (0..12).collect();
        let out = in_order(Jobs::new(4).unwrap(), &items, &NoProgress, |&i| {
            // Later items finish first.
            std::thread::sleep(std::time::Duration::from_millis(12 - i));
            finished.lock().unwrap().push(i);
            i * 10
        })
        .unwrap();
        assert_eq!(out, (0..12).map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(finished.lock().unwrap().len(), 12);
    }

    #[test]
    fn at_most_jobs_items_run_at_once() {
        let running = Mutex::new((0usize, 0usize));
        let items: Vec<u32> = (0..20).collect();
        in_order(Jobs::new(3).unwrap(), &items, &NoProgress, |_| {
            {
                let mut r = running.lock().unwrap();
                r.0 += 1;
                r.1 = r.1.max(r.0);
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
            running.lock().unwrap().0 -= 1;
        })
        .unwrap();
        assert!(running.lock().unwrap().1 <= 3);
    }

    /// Records what the pool reports.
    #[derive(Default)]
    struct Counted(Mutex<Vec<String>>);

    impl Progress for Counted {
        fn start(&self, total: usize) {
            self.0.lock().unwrap().push(format!("start {total}"));
        }
        fn advance(&self) {
            self.0.lock().unwrap().push("advance".to_owned());
        }
        fn finish(&self) {
            self.0.lock().unwrap().push("finish".to_owned());
        }
    }

    #[test]
    fn progress_hears_of_the_total_then_every_item_then_the_end() {
        let counted = Counted::default();
        let out = in_order(Jobs::new(3).unwrap(), &[1, 2, 3, 4, 5], &counted, |&i| {
            i + 1
        })
        .unwrap();
        assert_eq!(out, [2, 3, 4, 5, 6]);
        let events = counted.0.into_inner().unwrap();
        let mut expected = vec!["start 5".to_owned()];
        expected.extend(std::iter::repeat_n("advance".to_owned(), 5));
        expected.push("finish".to_owned());
        assert_eq!(events, expected);
    }

    #[test]
    fn worker_counts_outside_the_range_are_refused() {
        assert_eq!(
            Jobs::new(0),
            Err("must be between 1 and 64 (tenants worked on at once), not 0".to_owned())
        );
        assert!(Jobs::new(65).is_err());
        assert_eq!(Jobs::new(64).map(Jobs::get), Ok(64));
        assert!(
            in_order(Jobs::new(2).unwrap(), &[] as &[u8], &NoProgress, |_| 0)
                .unwrap()
                .is_empty()
        );
    }
}
