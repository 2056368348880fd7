//! orgsim on a terminal: a pseudo-terminal (portable-pty) with the program's stdin, stdout and
//! stderr on its slave side, as a shell gives them to a program a person starts. What the
//! program writes is read on another thread into a buffer the test waits on; Ctrl-C is the byte
//! 0x03 written to the master, which the terminal turns into SIGINT for the foreground process
//! group, as a keyboard does. Every wait has a deadline: a program that hangs is killed (SIGKILL
//! to its process group) and the test fails naming the command and showing its last output,
//! never a stuck test run.
//!
//! portable-pty (wezterm's) spawns through `std::process::Command` (fork and exec done by the
//! standard library, safe in a test binary's many threads), where rexpect and expectrl fork by
//! hand; it makes the child a session leader with the terminal as its controlling terminal, so
//! job control and Ctrl-C work as in a real terminal.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, PtySize};

/// A program running on a terminal of its own.
pub struct Term {
    what: String,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    out: Arc<Mutex<Vec<u8>>>,
    // Kept open for the program's lifetime (dropping the master hangs up the terminal).
    _master: Box<dyn portable_pty::MasterPty + Send>,
    _slave: Box<dyn portable_pty::SlavePty + Send>,
}

/// How a program on a terminal ended.
pub struct Ended {
    /// The exit code, or 128 + the signal's number for a program a signal ended.
    pub code: i32,
    /// Everything it wrote, escape sequences removed, line ends as `\n`.
    pub screen: String,
    /// Everything it wrote, as written (escape sequences and all).
    pub raw: String,
    /// How long after the call to [`Term::finish`] it was seen to end.
    pub after: Duration,
}

impl Term {
    /// Starts `cmd` (described as `what` in failures) on a new 40 x 120 terminal.
    pub fn spawn(what: &str, cmd: CommandBuilder) -> Term {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let child = pair
            .slave
            .spawn_command(cmd)
            .unwrap_or_else(|e| panic!("`{what}` does not start: {e}"));
        // The slave side stays open here too, until the Term is dropped: on Linux, a master read
        // after the last slave closes can answer EIO with the program's last lines unread.
        let mut reader = pair.master.try_clone_reader().expect("a reader");
        let writer = pair.master.take_writer().expect("a writer");
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&out);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => sink.lock().unwrap().extend_from_slice(&buf[..n]),
                }
            }
        });
        Term {
            what: what.to_string(),
            child,
            writer,
            out,
            _master: pair.master,
            _slave: pair.slave,
        }
    }

    /// `program args...` in `dir`, with the environment of this test less the variables that
    /// would point orgsim elsewhere, and `TERM` set as a terminal emulator sets it.
    pub fn command(program: &str, args: &[&str], dir: &std::path::Path) -> CommandBuilder {
        let mut c = CommandBuilder::new(program);
        c.args(args);
        c.cwd(dir);
        c.env("TERM", "xterm-256color");
        for v in [
            "NO_COLOR",
            "CI",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_ORGANIZATIONS",
            "CARGO_TERM_COLOR",
        ] {
            c.env_remove(v);
        }
        c
    }

    /// What it has written so far, as [`Ended::screen`].
    pub fn screen(&self) -> String {
        clean(&self.out.lock().unwrap())
    }

    /// Waits until the screen shows `needle`, at most `limit`; a program that ends or stays
    /// silent is a failure naming it.
    pub fn wait_for(&mut self, needle: &str, limit: Duration) {
        let start = Instant::now();
        loop {
            if self.screen().contains(needle) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                self.drain();
                if self.screen().contains(needle) {
                    return;
                }
                panic!(
                    "`{}` ended ({status:?}) before showing {needle:?}; screen:\n{}",
                    self.what,
                    tail(&self.screen())
                );
            }
            if start.elapsed() > limit {
                self.kill();
                panic!(
                    "`{}` showed no {needle:?} within {limit:?}; screen:\n{}",
                    self.what,
                    tail(&self.screen())
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Ctrl-C, typed, once the program catches SIGINT (see [`Term::wait_for_handler`]).
    pub fn ctrl_c(&mut self) {
        self.wait_for_handler(2);
        self.writer
            .write_all(&[3])
            .expect("the terminal takes input");
        self.writer.flush().expect("the terminal takes input");
    }

    /// Sends `signal` (a name `kill` knows: `TERM`, `INT`) to the program alone, as `kill` from
    /// another terminal does.
    pub fn signal(&mut self, signal: &str) {
        let pid = self
            .child
            .process_id()
            .expect("a running program has a pid");
        let ok = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill -{signal} {pid} (`{}`)", self.what);
    }

    /// Waits (at most 60 s) until the program catches signal number `signal`, as
    /// `/proc/PID/status`'s `SigCgt` mask shows: a signal sent before its handler is installed
    /// ends it by the default action, and on a busy machine a test would measure that race
    /// instead of how orgsim stops.
    pub fn wait_for_handler(&mut self, signal: u32) {
        let Some(pid) = self.child.process_id() else {
            return;
        };
        if !super::wait_for_handler(pid, signal) && matches!(self.child.try_wait(), Ok(None)) {
            panic!(
                "`{}` never caught signal {signal} within 60 s; screen:\n{}",
                self.what,
                tail(&self.screen())
            );
        }
    }

    /// Waits for the program to end, at most `limit`; past it the program is killed and the
    /// test fails: "`what` hung".
    pub fn finish(self, limit: Duration) -> Ended {
        let what = self.what.clone();
        self.try_finish(limit).unwrap_or_else(|screen| {
            panic!(
                "`{what}` hung: still running after {limit:?}; screen:\n{}",
                tail(&screen)
            )
        })
    }

    /// [`Term::finish`], but a program still running after `limit` is killed and its screen
    /// returned as the error, for the caller to say which of its commands hung.
    pub fn try_finish(mut self, limit: Duration) -> Result<Ended, String> {
        let start = Instant::now();
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    let after = start.elapsed();
                    self.drain();
                    let code = match status.signal() {
                        Some(name) => 128 + signal_number(name),
                        None => status.exit_code() as i32,
                    };
                    return Ok(Ended {
                        code,
                        screen: self.screen(),
                        raw: String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned(),
                        after,
                    });
                }
                Ok(None) => {}
                Err(e) => panic!("`{}`: cannot wait: {e}", self.what),
            }
            if start.elapsed() > limit {
                self.kill();
                self.drain();
                return Err(self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the reader has taken what the program wrote: no new bytes for 200 ms (at
    /// most 5 s).
    fn drain(&self) {
        let start = Instant::now();
        let mut seen = self.out.lock().unwrap().len();
        let mut quiet = Instant::now();
        while quiet.elapsed() < Duration::from_millis(200)
            && start.elapsed() < Duration::from_secs(5)
        {
            std::thread::sleep(Duration::from_millis(20));
            let now = self.out.lock().unwrap().len();
            if now != seen {
                seen = now;
                quiet = Instant::now();
            }
        }
    }

    /// SIGKILL to the program's process group (it leads its own session), then to the program.
    fn kill(&mut self) {
        if let Some(pid) = self.child.process_id() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

/// A signal's number from its description (`strsignal`'s: "Terminated", "Interrupt"), or 0
/// for one not listed.
fn signal_number(name: &str) -> i32 {
    for (pattern, n) in [
        ("Interrupt", 2),
        ("Killed", 9),
        ("Terminated", 15),
        ("Aborted", 6),
        ("Segmentation", 11),
        ("Hangup", 1),
    ] {
        if name.contains(pattern) {
            return n;
        }
    }
    0
}

/// The terminal's bytes as text: escape sequences (CSI, OSC) and carriage returns removed.
pub fn clean(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => {
                    // CSI: parameters and intermediates up to a final byte in @..~
                    for d in chars.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    // OSC: up to BEL or ESC \
                    while let Some(d) = chars.next() {
                        if d == '\u{7}' {
                            break;
                        }
                        if d == '\u{1b}' {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// The last 40 lines of a screen, for a failure message.
pub fn tail(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
