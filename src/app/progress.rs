//! How long work shows on the terminal: one line, redrawn in place, naming the task and its
//! state (`sampling prometheus `up`: sample 3/10: met (2/3 in a row)`). Off a terminal, progress
//! goes to `tracing` info lines instead ([`LogProgress`]), which CI logs keep.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use crate::fetch::{LogProgress, Progress};

/// The progress sink for this process: a redrawn line on a terminal, log lines elsewhere.
pub(super) fn for_stderr() -> Arc<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Arc::new(TerminalProgress::default())
    } else {
        Arc::new(LogProgress)
    }
}

#[derive(Default)]
struct TerminalProgress {
    drawn: Mutex<bool>,
}

impl Progress for TerminalProgress {
    fn step(&self, task: &str, what: &str) {
        let mut drawn = self.drawn.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        let line = format!("\r\x1b[2K{task}: {what}");
        let _ = err.write_all(crate::secrets::scrub(&line).as_bytes());
        let _ = err.flush();
        *drawn = true;
    }

    fn finish(&self, _task: &str) {
        let mut drawn = self.drawn.lock().unwrap_or_else(|e| e.into_inner());
        if *drawn {
            let _ = writeln!(std::io::stderr().lock());
            *drawn = false;
        }
    }
}
