//! How long work shows: on a terminal, indicatif draws one line per running task — a spinner
//! with the elapsed time for waits (`sampling prometheus `up`: waiting 2m before the first
//! sample`), a bar for file sets (`reading 2500 files for source `tests``) — and clears it when
//! the task ends. Off a terminal, progress goes to `tracing` info lines instead ([`LogProgress`]:
//! a line per sample, a line per tenth of a file set), which CI logs keep with `-v`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::fetch::{LogProgress, Progress};

/// The progress sink for this process: bars on a terminal, log lines elsewhere.
pub(super) fn for_stderr() -> Arc<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Arc::new(TerminalProgress::default())
    } else {
        Arc::new(LogProgress)
    }
}

/// One indicatif line per task, created on its first event and removed when it finishes.
struct TerminalProgress {
    bars: MultiProgress,
    tasks: Mutex<HashMap<String, ProgressBar>>,
}

impl Default for TerminalProgress {
    fn default() -> Self {
        TerminalProgress {
            bars: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            tasks: Mutex::new(HashMap::new()),
        }
    }
}

impl TerminalProgress {
    /// The line of `task`, made with `make` the first time.
    fn bar(&self, task: &str, make: impl FnOnce() -> ProgressBar) -> ProgressBar {
        let mut tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        tasks
            .entry(task.to_string())
            .or_insert_with(|| self.bars.add(make()))
            .clone()
    }
}

/// Text drawn on the terminal goes through the secrets scrubber like everything gonogo prints.
fn scrubbed(text: &str) -> String {
    crate::secrets::scrub(text).into_owned()
}

impl Progress for TerminalProgress {
    fn step(&self, task: &str, what: &str) {
        let bar = self.bar(task, || {
            let b = ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {prefix}: {wide_msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.set_prefix(scrubbed(task));
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        bar.set_message(scrubbed(what));
    }

    fn advance(&self, task: &str, done: u64, total: u64) {
        let bar = self.bar(task, || {
            let b = ProgressBar::new(total).with_style(
                ProgressStyle::with_template("{prefix} {wide_bar} {pos}/{len} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b.set_prefix(scrubbed(task));
            b
        });
        bar.set_length(total);
        bar.set_position(done);
    }

    fn finish(&self, task: &str) {
        let bar = self
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(task);
        if let Some(bar) = bar {
            bar.finish_and_clear();
            self.bars.remove(&bar);
        }
    }
}
