//! Small ids for the parts of a program, each printed with a short prefix (`r3`, `c1`,
//! `a12`) identically everywhere, and source spans that tie every node to the text its
//! author wrote.

use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub u32);

        impl $name {
            /// The id at position `index` of its list.
            pub fn from_index(index: usize) -> $name {
                $name(u32::try_from(index).expect("programs hold fewer than 2^32 items of a kind"))
            }

            /// The position of this id in its list.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    };
}

id!(
    /// A rule of a program. Prints as `r3`.
    RuleId,
    "r"
);
id!(
    /// A calculator of a program. Prints as `c1`.
    CalcId,
    "c"
);
id!(
    /// A binding of a rule (a matched fact, or a value taken from a list). Prints as `b0`.
    BindingId,
    "b"
);
id!(
    /// A named value of a rule or calculator: a parameter, a `let`, a group key, an
    /// aggregate or a comprehension variable. Prints as `v2`.
    VarId,
    "v"
);
id!(
    /// A single-fact test shared by every pattern that makes it. Prints as `a12`.
    AlphaId,
    "a"
);
id!(
    /// A source text (a `.calc` file, a JSON document, an IR file). Prints as `s0`.
    SourceId,
    "s"
);

/// A byte range of a source text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// The source.
    pub source: SourceId,
    /// The first byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The range `start..end` of `source`.
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            source,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The smallest span covering both (same source; `self`'s source otherwise).
    pub fn to(self, other: Span) -> Span {
        if self.source != other.source {
            return self;
        }
        Span {
            source: self.source,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range, for slicing the source text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}..{}", self.source, self.start, self.end)
    }
}
