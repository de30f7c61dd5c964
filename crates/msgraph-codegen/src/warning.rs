//! What a generator did with defaults or dropped instead of failing: collected in the
//! generator's result for the caller to print (library code prints nothing).

use std::fmt;

/// One warning, naming what it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// What the warning is about: an operation path, a qualified function name, a rule.
    pub subject: String,
    /// What was done instead.
    pub message: String,
}

impl Warning {
    /// A warning about `subject`.
    pub fn new(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            subject: subject.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)
    }
}
