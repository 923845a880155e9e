//! Running a tool gonogo relies on while it reads evidence (git for a diff, helm to render a
//! chart), bounded like a file read: the tool gets no input, its output is capped so a runaway
//! tool cannot fill memory, and it is killed past a deadline so a hung tool cannot hold the gate.
//! What went wrong is returned as data; the caller says it in its own terms (which tool, what to
//! do), as an inconclusive rule rather than a stuck or crashed run.

use std::io::{self, Read};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The most bytes of a tool's stderr kept: enough for its explanation.
const MAX_STDERR: u64 = 64 * 1024;

/// A tool that ran to its end.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    /// At most the cap given to [`run`], plus one byte when the tool wrote more.
    pub stdout: Vec<u8>,
    /// Its stderr, lossily decoded and trimmed.
    pub stderr: String,
}

impl Finished {
    /// Whether the tool wrote more than `cap` bytes on stdout.
    pub fn overflowed(&self, cap: u64) -> bool {
        self.stdout.len() as u64 > cap
    }
}

/// Why a tool gave no answer.
#[derive(Debug)]
pub enum RunError {
    /// It could not be started (not installed, not executable).
    Spawn(io::Error),
    /// It was still running at the deadline, and was killed.
    Timeout,
    /// Waiting for it failed.
    Wait(io::Error),
}

/// Runs `cmd` with no stdin, keeping at most `max_stdout` (+1) bytes of its stdout, and kills it
/// when it outlives `deadline`.
pub fn run(cmd: &mut Command, deadline: Duration, max_stdout: u64) -> Result<Finished, RunError> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Spawn)?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let out = std::thread::spawn(move || drain(stdout, max_stdout + 1));
    let err = std::thread::spawn(move || drain(stderr, MAX_STDERR));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Timeout);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                let _ = child.kill();
                return Err(RunError::Wait(e));
            }
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    Ok(Finished {
        status,
        stdout,
        stderr: String::from_utf8_lossy(&stderr).trim().to_string(),
    })
}

/// Reads up to `cap` bytes of a pipe, then keeps reading and dropping the rest, so the tool is
/// never blocked on a full pipe and finishes (or meets its deadline) on its own.
fn drain(pipe: Option<impl Read>, cap: u64) -> Vec<u8> {
    let mut buf = Vec::new();
    if let Some(mut p) = pipe {
        let _ = (&mut p).take(cap).read_to_end(&mut buf);
        let _ = io::copy(&mut p, &mut io::sink());
    }
    buf
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    #[test]
    fn status_output_and_stderr_come_back() {
        let f = run(
            &mut sh("echo out; echo ' why ' >&2; exit 3"),
            Duration::from_secs(10),
            100,
        )
        .unwrap();
        assert_eq!(f.status.code(), Some(3));
        assert_eq!(f.stdout, b"out\n");
        assert_eq!(f.stderr, "why");
        assert!(!f.overflowed(100));
    }

    #[test]
    fn output_past_the_cap_is_cut_and_said() {
        let f = run(
            &mut sh("head -c 100000 /dev/zero"),
            Duration::from_secs(10),
            1000,
        )
        .unwrap();
        assert!(f.status.success(), "the tool is not blocked on a full pipe");
        assert_eq!(f.stdout.len(), 1001);
        assert!(f.overflowed(1000));
    }

    #[test]
    fn a_hung_tool_is_killed_at_the_deadline() {
        let started = Instant::now();
        let err = run(&mut sh("sleep 30"), Duration::from_millis(200), 10).unwrap_err();
        assert!(matches!(err, RunError::Timeout), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_missing_tool_is_a_spawn_error() {
        let err = run(
            &mut Command::new("/nonexistent/gonogo-tool"),
            Duration::from_secs(1),
            10,
        )
        .unwrap_err();
        assert!(matches!(err, RunError::Spawn(_)), "{err:?}");
    }
}
