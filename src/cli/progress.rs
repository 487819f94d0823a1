//! Progress of rollout (`plan`, `apply`, `export`) on standard error: a bar (indicatif) for a
//! person watching a terminal, nothing in CI, when standard error is piped or with `--quiet`.
//!
//! Part of the last stage, the command line: the library's worker pool reports through
//! [`Progress`] (`plan::pool`) and knows nothing of terminals; only this file knows the bar.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::plan::pool::{NoProgress, Progress};

/// Whether to draw progress: only on a terminal, never in CI (whose logs are files even when
/// a pseudo-terminal is attached) and never when silenced.
pub(super) fn wanted(stderr_is_terminal: bool, ci: Option<&str>, silenced: bool) -> bool {
    stderr_is_terminal && !silenced && !is_ci(ci)
}

/// `CI` as CI services set it (`true`, `1`, a service's name); empty, `false` and `0` mean a
/// person turned it off.
fn is_ci(value: Option<&str>) -> bool {
    value.is_some_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "false" | "0"))
}

/// The progress of one command's tenants, `verb` naming the work ("planning").
/// `silenced` is `--quiet`, or `--verbose`, whose log lines would break through a bar.
pub(super) fn for_tenants(verb: &'static str, silenced: bool) -> Box<dyn Progress> {
    let ci = std::env::var("CI").ok();
    if wanted(std::io::stderr().is_terminal(), ci.as_deref(), silenced) {
        Box::new(Bar::new(verb, ProgressDrawTarget::stderr))
    } else {
        Box::new(NoProgress)
    }
}

/// A bar of tenants done out of all.
struct Bar {
    bar: ProgressBar,
    /// Where the bar is drawn once the total is known (before, it would read `0/0`).
    target: fn() -> ProgressDrawTarget,
}

impl Bar {
    fn new(verb: &'static str, target: fn() -> ProgressDrawTarget) -> Bar {
        let bar = ProgressBar::hidden();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {pos}/{len} tenants [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(verb);
        Bar { bar, target }
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.bar.set_draw_target((self.target)());
        // Tenants take seconds each: the spinner shows the run is alive between them.
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    fn advance(&self) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        // Cleared, so that what follows (the plan, the prompt) starts on a clean line.
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_drawn_only_on_a_terminal_outside_ci_unless_silenced() {
        assert!(wanted(true, None, false));
        assert!(!wanted(false, None, false), "piped or redirected");
        assert!(!wanted(true, None, true), "--quiet or --verbose");
        for ci in ["true", "1", "github-actions", " TRUE "] {
            assert!(!wanted(true, Some(ci), false), "CI={ci}");
        }
        for not_ci in ["", "false", "0", "False"] {
            assert!(wanted(true, Some(not_ci), false), "CI={not_ci:?}");
        }
    }

    #[test]
    fn the_bar_counts_the_tenants_and_is_cleared_at_the_end() {
        let bar = Bar::new("planning", ProgressDrawTarget::hidden);
        bar.start(3);
        bar.advance();
        bar.advance();
        assert_eq!((bar.bar.position(), bar.bar.length()), (2, Some(3)));
        assert_eq!(bar.bar.message(), "planning");
        bar.finish();
        assert!(bar.bar.is_finished());
    }
}
