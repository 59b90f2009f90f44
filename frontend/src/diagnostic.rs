//! Diagnostics: what a front end reports about a rejected program, and
//! their rendering as text with the offending source underlined.
//!
//! A [`Diagnostic`] is plain data (a message, a primary labelled span,
//! secondary labels, an optional help line and notes), so that tests and
//! tools can inspect it; [`render`] turns a list of them into the text a
//! user sees, with ariadne, colour off and no absolute paths (the source
//! name is whatever the caller passes), so the output is stable enough for
//! snapshot tests.
//!
//! ```
//! use lull_frontend::diagnostic::{render, Diagnostic};
//! use lull_frontend::span::Span;
//!
//! let d = Diagnostic::error("unbound variable `y`", Span::new(4, 5), "not bound here");
//! let text = render(&[d], "demo.lc", "λ x. y");
//! assert!(text.starts_with("Error: unbound variable `y`"));
//! assert!(text.contains("demo.lc:1:4"));
//! ```

use std::fmt;

use ariadne::{Config, IndexType, Label as AriadneLabel, Report, ReportKind, Source};

use crate::span::Span;

/// At most this many diagnostics are reported for one input; the last one
/// kept says how many more there were (see [`truncate`]).
pub const MAX_REPORTED: usize = 50;

/// A span with a message attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label { span, message: message.into() }
    }
}

/// An error in a program, pointing at the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The one-line reason, e.g. "unbound variable `x`".
    pub message: String,
    /// Where the error is, and what is wrong there.
    pub primary: Label,
    /// Other places that explain it ("first defined here").
    pub secondary: Vec<Label>,
    /// What to do about it ("did you mean `x`?").
    pub help: Option<String>,
    /// Further explanations.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error with a message and its primary label.
    pub fn error(message: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            primary: Label::new(span, label),
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// Adds a secondary label.
    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label::new(span, label));
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// The message alone, for logs; use [`render`] to show the source.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error at {}: {}", self.primary.span, self.message)
    }
}

/// Keeps the first [`MAX_REPORTED`] diagnostics; when some are dropped, the
/// last one kept gets a note saying how many.
pub fn truncate(diags: &mut Vec<Diagnostic>) {
    if diags.len() <= MAX_REPORTED {
        return;
    }
    let more = diags.len() - MAX_REPORTED;
    diags.truncate(MAX_REPORTED);
    if let Some(last) = diags.last_mut() {
        let s = if more == 1 { "" } else { "s" };
        last.notes.push(format!("{more} more error{s} not shown"));
    }
}

/// Renders `diags` against `source` (named `source_name` in the output),
/// colour off, one report after another (separated by an empty line),
/// each ending with a newline.
///
/// Never panics: spans outside the source or inside a UTF-8 sequence are
/// clamped to the nearest character boundary first.
pub fn render(diags: &[Diagnostic], source_name: &str, source: &str) -> String {
    let config = Config::default().with_color(false).with_index_type(IndexType::Byte);
    let name = source_name.to_string();
    let mut out: Vec<u8> = Vec::new();
    for d in diags {
        let span = |s: Span| {
            let (start, end) = clamp(s, source);
            (name.clone(), start..end)
        };
        // ariadne starts a new snippet whenever a label lies on an earlier
        // line than the one before it, so labels go in source order.
        let mut labels: Vec<&Label> = std::iter::once(&d.primary).chain(&d.secondary).collect();
        labels.sort_by_key(|l| (l.span.start, l.span.end));
        let mut report =
            Report::build(ReportKind::Error, span(d.primary.span)).with_config(config).with_message(&d.message);
        for l in labels {
            report.add_label(AriadneLabel::new(span(l.span)).with_message(&l.message));
        }
        if let Some(h) = &d.help {
            report.set_help(h);
        }
        for n in &d.notes {
            report.add_note(n);
        }
        // Writing to a Vec cannot fail; if ariadne ever reports an error,
        // fall back to the plain message rather than lose the diagnostic.
        if !out.is_empty() {
            out.push(b'\n');
        }
        let mut one: Vec<u8> = Vec::new();
        match report.finish().write((name.clone(), Source::from(source)), &mut one) {
            Ok(()) => out.extend_from_slice(&one),
            Err(_) => out.extend_from_slice(format!("Error: {}\n", d.message).as_bytes()),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `span` moved inside `source` and onto `char` boundaries, start <= end.
fn clamp(span: Span, source: &str) -> (usize, usize) {
    let fix = |mut i: usize| {
        i = i.min(source.len());
        while !source.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = fix(span.start);
    let end = fix(span.end).max(start);
    (start, end)
}

/// Quotes invalid characters for a message: printable ones in backticks,
/// invisible ones (controls, spaces, zero-width and direction marks) as
/// `U+XXXX` so that the message stays on one visible line; long runs are
/// shortened. Shared by the lexers of both front ends.
pub fn quote_chars(text: &str) -> String {
    const MAX_SHOWN: usize = 16;
    let visible = |c: char| {
        !c.is_control()
            && !c.is_whitespace()
            && c != '`'
            && !matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
    };
    let mut out = String::new();
    let mut printable = String::new();
    let push_word = |out: &mut String, w: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    };
    for c in text.chars().take(MAX_SHOWN) {
        if visible(c) {
            printable.push(c);
        } else {
            if !printable.is_empty() {
                push_word(&mut out, &format!("`{printable}`"));
                printable.clear();
            }
            push_word(&mut out, &format!("U+{:04X}", c as u32));
        }
    }
    if !printable.is_empty() {
        push_word(&mut out, &format!("`{printable}`"));
    }
    if text.chars().count() > MAX_SHOWN {
        out.push_str(" ...");
    }
    out
}
