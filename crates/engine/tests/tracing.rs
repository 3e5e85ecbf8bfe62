//! The spans a subscriber sees: compile, load, run, and one per stratum a run goes
//! through. (A test binary of its own: `tracing` caches, per call site, whether anyone
//! listens, so a span first met by another test thread with no subscriber would be missed.)

use std::sync::{Arc, Mutex};

use reckon::{Engine, InputFormat};

/// A writer the test subscriber writes its lines to.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn compile_load_run_and_each_stratum_are_tracing_spans() {
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let engine = Engine::builder()
            .calc(
                "r.calc",
                "fact shift { id: text, hours: decimal }\n\
                 rule \"Total\"\n  for each shift s\n  group by s.id\n  \
                 emit total { id, hours: sum(s.hours) }\n\
                 rule \"Long\"\n  for each total t where t.hours > 8\n  alert \"long {t.id}\"\n",
            )
            .build()
            .unwrap();
        let mut session = engine.session();
        let facts = r#"{"type":"shift","id":"S1","hours":9}"#;
        session
            .read(facts.as_bytes(), InputFormat::Ndjson, "f")
            .unwrap();
        session.run();
        assert_eq!(session.alerts().len(), 1);
    });
    let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    for span in ["compile", "load", "run", "stratum"] {
        let closed = text
            .lines()
            .filter(|line| line.contains(": close "))
            .any(|line| innermost_span(line) == Some(span));
        assert!(closed, "no {span} span closed in:\n{text}");
    }
    assert!(
        text.contains("stratum{index=0}") && text.contains("stratum{index=1}"),
        "{text}"
    );
}

/// The name of the innermost span a log line is in: `run` in `INFO run:stratum{index=0}:`
/// is the outer one.
fn innermost_span(line: &str) -> Option<&str> {
    let path = line.split("INFO ").nth(1)?.split(": ").next()?;
    path.rsplit(':').next()?.split('{').next()
}
