//! Secret values in `Debug` output: [`Redacted`] hides one, `Shown` prints a rendering that
//! [`crate::display`] already redacted.

use std::fmt;

/// A secret value: `Debug` prints `<redacted>`; [`Redacted::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(pub(super) String);

impl Redacted {
    /// The value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value itself, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Redacted {
    fn from(value: String) -> Self {
        Redacted(value)
    }
}

/// A text shown as is by `Debug` (the redacted renderings of [`crate::display`]).
pub(super) struct Shown(pub(super) String);

impl fmt::Debug for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
