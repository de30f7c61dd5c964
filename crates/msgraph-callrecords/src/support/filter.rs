//! Typed `$filter` building blocks. The generated per-type filter (e.g. `CallRecordFilter`)
//! offers only the forms Graph documents for that operation; these generic pieces build them.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};

use super::encode;

/// A typed filter expression: a newtype around the OData text, generated per entity type.
pub trait FilterExpression: Sized {
    /// Wraps an expression text.
    fn from_expression(text: String) -> Self;
    /// The expression text.
    fn expression(&self) -> &str;

    /// Both conditions (`a and b`). The typed forms are single comparisons, so no parentheses
    /// are needed.
    fn and(self, other: Self) -> Self {
        Self::from_expression(format!("{} and {}", self.expression(), other.expression()))
    }
}

/// A `Edm.DateTimeOffset` property that can be compared in a filter of `F`
/// (`startDateTime ge 2026-11-01T00:00:00Z`).
#[derive(Debug)]
pub struct DateTimeField<F> {
    name: &'static str,
    _filter: PhantomData<fn() -> F>,
}

impl<F: FilterExpression> DateTimeField<F> {
    /// The property with this wire name.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            _filter: PhantomData,
        }
    }

    fn compare(&self, op: &str, value: DateTime<Utc>) -> F {
        F::from_expression(format!(
            "{} {op} {}",
            self.name,
            encode::datetime_literal(&value)
        ))
    }

    /// `property lt value` (a value finer than 100 ns is rounded up to the tick: exact).
    pub fn lt(&self, value: DateTime<Utc>) -> F {
        self.compare("lt", value)
    }

    /// `property le value`; a value finer than 100 ns is rounded down to the tick, which
    /// selects exactly the rows at or before it.
    pub fn le(&self, value: DateTime<Utc>) -> F {
        self.compare("le", encode::tick_floor(value))
    }

    /// `property gt value`; a value finer than 100 ns is rounded down to the tick, which
    /// would otherwise skip the rows at the tick just above it.
    pub fn gt(&self, value: DateTime<Utc>) -> F {
        self.compare("gt", encode::tick_floor(value))
    }

    /// `property ge value` (a value finer than 100 ns is rounded up to the tick: exact).
    pub fn ge(&self, value: DateTime<Utc>) -> F {
        self.compare("ge", value)
    }
}

/// `collection/any(p:p/property eq 'value')` — a lambda over a collection navigation property
/// (`participants_v2/any(p:p/id eq '821809f5-...')`), with OData string quoting.
pub fn any_eq<F: FilterExpression>(collection: &str, property: &str, value: &str) -> F {
    F::from_expression(format!(
        "{collection}/any(p:p/{property} eq {})",
        encode::string_literal(value)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[derive(Debug)]
    struct F(String);
    impl FilterExpression for F {
        fn from_expression(text: String) -> Self {
            F(text)
        }
        fn expression(&self) -> &str {
            &self.0
        }
    }

    #[test]
    fn comparisons_and_lambda() {
        let start = DateTimeField::<F>::new("startDateTime");
        let a = Utc.with_ymd_and_hms(2023, 9, 25, 9, 25, 0).unwrap();
        let b = Utc.with_ymd_and_hms(2023, 9, 25, 9, 30, 0).unwrap();
        let f = start.ge(a).and(start.lt(b));
        assert_eq!(
            f.0,
            "startDateTime ge 2023-09-25T09:25:00Z and startDateTime lt 2023-09-25T09:30:00Z"
        );
        assert_eq!(start.le(a).0, "startDateTime le 2023-09-25T09:25:00Z");
        assert_eq!(start.gt(a).0, "startDateTime gt 2023-09-25T09:25:00Z");
        // Off the 100 ns grid: `ge`/`lt` round up, `le`/`gt` round down (each exact).
        let off = a + chrono::Duration::nanoseconds(150);
        assert_eq!(
            start.ge(off).0,
            "startDateTime ge 2023-09-25T09:25:00.0000002Z"
        );
        assert_eq!(
            start.lt(off).0,
            "startDateTime lt 2023-09-25T09:25:00.0000002Z"
        );
        assert_eq!(
            start.le(off).0,
            "startDateTime le 2023-09-25T09:25:00.0000001Z"
        );
        assert_eq!(
            start.gt(off).0,
            "startDateTime gt 2023-09-25T09:25:00.0000001Z"
        );
        let p: F = any_eq("participants_v2", "id", "it's");
        assert_eq!(p.0, "participants_v2/any(p:p/id eq 'it''s')");
    }
}
