//! Diagnostics as plain data: a stable code, a severity, a message, the span at fault with
//! secondary spans, and a hint. Rendering (with source lines underlined) happens at the
//! edge, in the front ends; everything that checks a program only makes these values.

use std::fmt;

use crate::ids::Span;

/// One finding about a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code, e.g. `E0002`.
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The text at fault, with a short label.
    pub primary: Label,
    /// Other places that explain it (the earlier declaration, the other rule).
    pub secondary: Vec<Label>,
    /// How to fix it, where there is a hint.
    pub help: Option<String>,
}

/// A span with a short note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What about it.
    pub message: String,
}

/// Whether a finding stops compilation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The program is accepted, but probably not as meant.
    Warning,
    /// The program is rejected.
    Error,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)*) => {
        /// Every diagnostic code. `E` codes are errors, `W` codes warnings; each is listed
        /// with examples in `docs/diagnostics.md`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $name,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The code as printed: `E0002`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }
        }
    };
}

codes! {
    /// A fact type that is not declared.
    UnknownFactType = "E0001",
    /// A field that the fact type does not declare, or a record member that is not there.
    UnknownField = "E0002",
    /// A name that nothing in scope declares: binding, value, calculator or function.
    UnknownName = "E0003",
    /// An operator applied to values it does not take (`text > 5`).
    TypeMismatch = "E0004",
    /// A call with the wrong number of arguments.
    WrongArgumentCount = "E0005",
    /// A call with an argument of the wrong type.
    WrongArgumentType = "E0006",
    /// An aggregate (`sum`, `count`, ...) where no group gives it matches to combine, or a
    /// per-match value used after grouping without one.
    AggregateOutsideGroup = "E0007",
    /// A rule that sets a field it also reads: it would trigger itself forever.
    SetReadsOwnField = "E0008",
    /// Two rules set the same field of the same fact type and nothing says which wins.
    ConflictingSets = "E0009",
    /// Rules that depend on each other through `no` or `group by`: no order can run them.
    Unstratifiable = "E0010",
    /// A name declared twice in one scope.
    DuplicateName = "E0011",
    /// A test or guard that is not true/false.
    NotBoolean = "E0012",
    /// A value of a type the field cannot hold.
    AssignmentType = "E0013",
    /// An `emit` that leaves out a required field.
    MissingRequiredField = "E0014",
    /// A `set` on a field that is not declared derived (input fields change with `update`).
    SetOnInputField = "E0015",
    /// `allocate` outside a per-member `emit` of a group rule.
    AllocateOutsideMember = "E0016",
    /// A calculator that calls itself, directly or through others.
    RecursiveCalc = "E0017",
    /// Text that is not valid in the language it is written in.
    Syntax = "E0018",
    /// A literal that is well formed but not a value: a 30th of February, a number beyond
    /// its type's range, a duration finer than a nanosecond.
    InvalidLiteral = "E0019",
    /// A binding that nothing reads.
    UnusedBinding = "W0001",
    /// A rule whose constant tests contradict each other: it can never fire.
    NeverFires = "W0002",
    /// Two patterns with no equality between them: every pair of facts is a match.
    CrossProduct = "W0003",
    /// A read of an optional field with no default, where the rule does not test for
    /// `missing`: the value may be missing at run time.
    MayReadMissing = "W0004",
}

impl Code {
    /// Errors stop compilation; warnings do not.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('E') {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Diagnostic {
    /// A diagnostic with a message and the span at fault.
    pub fn new(
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            primary: Label {
                span,
                message: label.into(),
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Adds a secondary span.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The severity of its code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

impl fmt::Display for Diagnostic {
    /// A one-line plain form, `E0002 [s0:10..14] message`, for logs and tests; front ends
    /// render the full form with source lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{:?}] {}",
            self.code, self.primary.span, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted_by_kind() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
        assert_eq!(Code::NeverFires.severity(), Severity::Warning);
        assert_eq!(Code::UnknownField.severity(), Severity::Error);
    }
}
