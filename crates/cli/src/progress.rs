//! A spinner on standard error naming the stage a long command is in. It appears only
//! when the command has run for a second and standard error is a terminal, so quick runs
//! and piped output stay clean.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a command runs before the spinner shows.
const DELAY: Duration = Duration::from_secs(1);

/// The spinner, hidden until [`DELAY`] has passed.
pub(crate) struct Progress {
    bar: ProgressBar,
    done: Option<mpsc::Sender<()>>,
    shower: Option<thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts timing, at `stage`.
    pub(crate) fn start(stage: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .expect("the template is valid"),
        );
        bar.set_message(stage.to_owned());
        if !std::io::stderr().is_terminal() {
            return Progress {
                bar,
                done: None,
                shower: None,
            };
        }
        let (done, wait) = mpsc::channel::<()>();
        let shown = bar.clone();
        let shower = thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(DELAY) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress {
            bar,
            done: Some(done),
            shower: Some(shower),
        }
    }

    /// Names the stage now running.
    pub(crate) fn stage(&self, stage: &str) {
        self.bar.set_message(stage.to_owned());
    }

    /// Removes the spinner.
    pub(crate) fn finish(mut self) {
        if let Some(done) = self.done.take() {
            let _ = done.send(());
        }
        if let Some(shower) = self.shower.take() {
            let _ = shower.join();
        }
        self.bar.finish_and_clear();
    }
}
