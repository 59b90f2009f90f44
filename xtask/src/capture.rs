//! Running a child process with a time limit and capturing its output.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How a captured child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited with this status code.
    Exited(i32),
    /// A signal killed it.
    Signaled(i32),
    /// It ran past the time limit and was killed.
    TimedOut,
}

impl Ending {
    fn from_status(status: ExitStatus) -> Ending {
        use std::os::unix::process::ExitStatusExt;
        match (status.code(), status.signal()) {
            (Some(code), _) => Ending::Exited(code),
            (None, Some(signal)) => Ending::Signaled(signal),
            (None, None) => Ending::Signaled(0),
        }
    }
}

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ending::Exited(code) => write!(f, "exit status {code}"),
            Ending::Signaled(signal) => write!(f, "killed by signal {signal}"),
            Ending::TimedOut => write!(f, "timed out (killed)"),
        }
    }
}

/// What a captured child printed and how it ended.
#[derive(Debug)]
pub struct Captured {
    pub ending: Ending,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs `cmd` with `stdin` as its standard input (closed, like
/// `/dev/null`, when `None`), capturing stdout and stderr, and kills it when
/// it runs longer than `limit`.
///
/// The child runs in a process group of its own, and the whole group is
/// killed at the limit: a grandchild (a program that `lull run` started,
/// say) would otherwise keep the pipes open and the harness waiting.
pub fn run(cmd: &mut Command, stdin: Option<Vec<u8>>, limit: Duration) -> std::io::Result<Captured> {
    use std::os::unix::process::CommandExt;
    let input = if stdin.is_some() { Stdio::piped() } else { Stdio::null() };
    let mut child = cmd.process_group(0).stdin(input).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    // A writer thread, so that a child that prints before it reads cannot
    // deadlock against us; a child that exits early just closes the pipe.
    let feeder = child.stdin.take().zip(stdin).map(|(mut pipe, bytes)| {
        thread::spawn(move || {
            use std::io::Write;
            let _ = pipe.write_all(&bytes);
        })
    });
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let ending = wait_with_limit(&mut child, limit)?;
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    let stdout = stdout.map(join_drain).unwrap_or_default();
    let stderr = stderr.map(join_drain).unwrap_or_default();
    Ok(Captured { ending, stdout, stderr })
}

/// Reads a pipe to its end on a thread of its own, so that a child filling
/// one pipe cannot block while we wait on the other.
fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buffer = Vec::new();
        // A read error (the child killed mid-write) keeps what was read.
        let _ = pipe.read_to_end(&mut buffer);
        buffer
    })
}

fn join_drain(handle: thread::JoinHandle<Vec<u8>>) -> Vec<u8> {
    handle.join().unwrap_or_default()
}

fn wait_with_limit(child: &mut Child, limit: Duration) -> std::io::Result<Ending> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Ending::from_status(status));
        }
        if start.elapsed() >= limit {
            // The child may exit between try_wait and kill: kill's error is
            // then harmless, and wait reaps it either way.
            kill_group(child);
            let _ = child.kill();
            child.wait()?;
            return Ok(Ending::TimedOut);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(25));
    }
}

/// Sends SIGKILL to the process group that `child` leads.
fn kill_group(child: &Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill has no memory-safety preconditions; the group is the
        // child's own (process_group(0)), not yet reaped.
        unsafe { libc::kill(-pid, libc::SIGKILL) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_output_and_status() {
        let captured =
            run(Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]), None, Duration::from_secs(10))
                .unwrap();
        assert_eq!(captured.ending, Ending::Exited(3));
        assert_eq!(captured.stdout, b"out\n");
        assert_eq!(captured.stderr, b"err\n");
    }

    #[test]
    fn kills_after_the_limit() {
        let start = Instant::now();
        // The grandchild `sleep` holds the pipes: it must be killed too.
        let captured =
            run(Command::new("sh").args(["-c", "sleep 30; echo done"]), None, Duration::from_millis(200)).unwrap();
        assert_eq!(captured.ending, Ending::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn stdin_is_closed() {
        let captured = run(&mut Command::new("cat"), None, Duration::from_secs(10)).unwrap();
        assert_eq!(captured.ending, Ending::Exited(0));
        assert!(captured.stdout.is_empty());
    }

    #[test]
    fn feeds_stdin() {
        // More than a pipe buffer, so the writer must run beside the reader.
        let input: Vec<u8> = (0..200_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let captured = run(&mut Command::new("cat"), Some(input.clone()), Duration::from_secs(10)).unwrap();
        assert_eq!(captured.ending, Ending::Exited(0));
        assert_eq!(captured.stdout, input);
        // A child that does not read its input still ends normally.
        let captured = run(Command::new("true").arg("x"), Some(input), Duration::from_secs(10)).unwrap();
        assert_eq!(captured.ending, Ending::Exited(0));
    }
}
