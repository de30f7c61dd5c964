//! `#[serde(with = "...")]` modules for OData numeric types.
//!
//! ```
//! use rust_decimal::Decimal;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Row {
//!     #[serde(with = "msgraph_odata::serde_helpers::decimal")]
//!     total_call_charge: Decimal,
//!     #[serde(default, skip_serializing_if = "Option::is_none",
//!             with = "msgraph_odata::serde_helpers::decimal_opt")]
//!     charge: Option<Decimal>,
//!     #[serde(default, skip_serializing_if = "Option::is_none",
//!             with = "msgraph_odata::serde_helpers::int64_opt")]
//!     link_speed: Option<i64>,
//! }
//!
//! let r: Row = serde_json::from_str(
//!     r#"{"total_call_charge": 12.83, "charge": "0.62", "link_speed": 4294967295}"#).unwrap();
//! assert_eq!(r.total_call_charge.to_string(), "12.83");
//! assert_eq!(r.charge.map(|d| d.to_string()).as_deref(), Some("0.62"));
//! assert_eq!(serde_json::to_string(&r).unwrap(),
//!     r#"{"total_call_charge":12.83,"charge":0.62,"link_speed":4294967295}"#);
//! ```
//!
//! All deserializers go through `deserialize_any`, so they also work inside
//! `#[serde(flatten)]` / `#[serde(untagged)]` containers. serde_json's
//! `arbitrary_precision` feature is neither needed nor wanted.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// `Edm.Decimal` as [`Decimal`].
///
/// Reads a JSON number or a numeric string (`IEEE754Compatible=true`; exponents allowed).
/// A JSON number reaches us as `f64`; it is converted through its shortest decimal text,
/// so `0.62` becomes exactly `0.62` and `1e-7` exactly `0.0000001`. The strings `NaN`,
/// `INF`, `-INF` are rejected (a `Decimal` cannot hold them).
///
/// Writes a JSON number: an integer when the value is integral (so `0.00` is written `0`:
/// without `arbitrary_precision`, serde_json cannot emit trailing zeros), otherwise the
/// shortest `f64` text when that reads back as the same decimal (`0.62`, `12.83`). A value
/// that no `f64` represents exactly (more than ~15 significant digits) is written as a
/// string, the OData `IEEE754Compatible` form, rather than silently rounded.
pub mod decimal {
    use super::*;

    /// Serializes as described in the [module docs](self).
    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        if v.fract().is_zero() {
            if let Ok(i) = i64::try_from(v.trunc()) {
                return s.serialize_i64(i);
            }
            if let Ok(u) = u64::try_from(v.trunc()) {
                return s.serialize_u64(u);
            }
        }
        let text = v.to_string();
        if let Ok(f) = f64::from_str(&text) {
            if decimal_from_f64(f).is_ok_and(|back| back == *v) {
                return s.serialize_f64(f);
            }
        }
        s.serialize_str(&text)
    }

    /// Deserializes as described in the [module docs](self).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
}

/// `Edm.Int64` as `i64`: reads a JSON number or a numeric string (`"9007199254740993"` is
/// exact); an integral float such as `5.0` is accepted. Writes a JSON number.
pub mod int64 {
    use super::*;

    /// Serializes as a JSON number.
    pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*v)
    }

    /// Deserializes from a JSON number or numeric string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        d.deserialize_any(Int64Visitor)
    }
}

/// `Edm.Double` as `f64`: reads a JSON number, a numeric string, or `"NaN"`, `"INF"`,
/// `"-INF"`. Writes a JSON number, or those strings for non-finite values.
pub mod double {
    use super::*;

    /// Serializes as a JSON number, or `"NaN"`/`"INF"`/`"-INF"`.
    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        match special_name(*v) {
            Some(name) => s.serialize_str(name),
            None => s.serialize_f64(*v),
        }
    }

    /// Deserializes from a JSON number, numeric string or special string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        d.deserialize_any(FloatVisitor("Edm.Double"))
    }
}

/// `Edm.Single` as `f32`; same rules as [`double`] (`0.27` writes back as `0.27`).
pub mod single {
    use super::*;

    /// Serializes as a JSON number, or `"NaN"`/`"INF"`/`"-INF"`.
    pub fn serialize<S: Serializer>(v: &f32, s: S) -> Result<S::Ok, S::Error> {
        match special_name(f64::from(*v)) {
            Some(name) => s.serialize_str(name),
            None => s.serialize_f32(*v),
        }
    }

    /// Deserializes from a JSON number, numeric string or special string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
        // Rounding the nearest f64 to f32 gives the nearest f32 for Graph's short literals.
        d.deserialize_any(FloatVisitor("Edm.Single"))
            .map(|v| v as f32)
    }
}

/// `In` and `Out`: one value of `$ty` read and written the way helper
/// module `$base` does, for the `Option` and `Vec` twins below.
macro_rules! element_wrappers {
    ($base:ident, $ty:ty) => {
        struct In($ty);
        impl<'de> Deserialize<'de> for In {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                super::$base::deserialize(d).map(In)
            }
        }

        struct Out<'a>(&'a $ty);
        impl Serialize for Out<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                super::$base::serialize(self.0, s)
            }
        }
    };
}

/// Generates the `Option` twin of a helper module; `null` reads as `None`.
macro_rules! opt_module {
    ($(#[$m:meta])* $name:ident, $base:ident, $ty:ty) => {
        $(#[$m])*
        ///
        /// Use with `#[serde(default, skip_serializing_if = "Option::is_none", with = "...")]`
        /// so that an absent member also reads as `None` and `None` is omitted.
        pub mod $name {
            use super::*;

            element_wrappers!($base, $ty);

            /// The optional value as a type of its own, deserialized like this
            /// module does (for code that reads values one by one).
            pub struct De(pub Option<$ty>);
            impl<'de> Deserialize<'de> for De {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    deserialize(d).map(De)
                }
            }

            /// Serializes `Some` like the non-optional module, `None` as `null`.
            pub fn serialize<S: Serializer>(v: &Option<$ty>, s: S) -> Result<S::Ok, S::Error> {
                match v {
                    Some(v) => s.serialize_some(&Out(v)),
                    None => s.serialize_none(),
                }
            }

            /// Deserializes `null` as `None`, anything else like the non-optional module.
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
                Ok(Option::<In>::deserialize(d)?.map(|v| v.0))
            }
        }
    };
}

opt_module!(
    /// `Option<Decimal>` version of [`decimal`].
    decimal_opt, decimal, Decimal
);
opt_module!(
    /// `Option<i64>` version of [`int64`].
    int64_opt, int64, i64
);
opt_module!(
    /// `Option<f64>` version of [`double`].
    double_opt, double, f64
);
opt_module!(
    /// `Option<f32>` version of [`single`].
    single_opt, single, f32
);

/// Generates the `Vec` twin of a helper module for collection-valued properties.
macro_rules! vec_module {
    ($(#[$m:meta])* $name:ident, $base:ident, $ty:ty) => {
        $(#[$m])*
        ///
        /// Use with `#[serde(default, with = "...")]`; each element follows the
        /// non-optional module's rules.
        pub mod $name {
            use super::*;

            element_wrappers!($base, $ty);

            /// Serializes each element like the non-optional module.
            pub fn serialize<S: Serializer>(v: &[$ty], s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(v.iter().map(Out))
            }

            /// Deserializes a JSON array, each element like the non-optional module.
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<$ty>, D::Error> {
                Ok(Vec::<In>::deserialize(d)?.into_iter().map(|v| v.0).collect())
            }
        }
    };
}

vec_module!(
    /// `Vec<Decimal>` version of [`decimal`] (`Collection(Edm.Decimal)`).
    decimal_vec, decimal, Decimal
);
vec_module!(
    /// `Vec<i64>` version of [`int64`] (`Collection(Edm.Int64)`).
    int64_vec, int64, i64
);
vec_module!(
    /// `Vec<f64>` version of [`double`] (`Collection(Edm.Double)`).
    double_vec, double, f64
);
vec_module!(
    /// `Vec<f32>` version of [`single`] (`Collection(Edm.Single)`).
    single_vec, single, f32
);

/// OData's names for non-finite values, `None` for finite ones.
fn special_name(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v.is_infinite() {
        Some(if v > 0.0 { "INF" } else { "-INF" })
    } else {
        None
    }
}

/// True for text made only of characters a JSON-style number may contain; keeps Rust's
/// `f64::from_str` from accepting `inf`, `infinity` or `nan` spellings.
fn looks_numeric(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
}

/// Exact decimal for a finite `f64`, via its shortest round-trip text: the
/// text Rust's `Display` gives (never exponent notation), written by `ryu`
/// without an allocation (this runs for every money amount of a page).
fn decimal_from_f64(v: f64) -> Result<Decimal, String> {
    if !v.is_finite() {
        return Err(format!("{v} is not a finite number"));
    }
    let mut buffer = ryu::Buffer::new();
    let shortest = buffer.format_finite(v);
    // `ryu` writes `5.0` where `Display` writes `5` (the scale of the
    // decimal follows the text), and exponents for very large or small
    // values (`1e-7`), read as scientific notation.
    let parsed = match shortest.strip_suffix(".0") {
        Some(whole) => Decimal::from_str_exact(whole),
        None if shortest.contains('e') => Decimal::from_scientific(shortest),
        None => Decimal::from_str_exact(shortest),
    };
    parsed.map_err(|e| format!("{shortest} does not fit a Decimal: {e}"))
}

struct DecimalVisitor;

impl de::Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an Edm.Decimal as a JSON number or numeric string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        decimal_from_f64(v).map_err(|e| E::custom(format!("invalid Edm.Decimal: {e}")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        if matches!(v, "NaN" | "INF" | "-INF") {
            return Err(E::custom(format!(
                "invalid Edm.Decimal {v:?}: NaN and infinities cannot be represented"
            )));
        }
        let parsed = if v.contains(['e', 'E']) {
            Decimal::from_scientific(v)
        } else {
            Decimal::from_str_exact(v)
        };
        parsed.map_err(|e| E::custom(format!("invalid Edm.Decimal {v:?}: {e}")))
    }
}

struct Int64Visitor;

impl de::Visitor<'_> for Int64Visitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an Edm.Int64 as a JSON number or numeric string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("invalid Edm.Int64 {v}: out of range")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // 2^63 is exactly representable; anything at or above it does not fit.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v) {
            Ok(v as i64)
        } else {
            Err(E::custom(format!(
                "invalid Edm.Int64 {v}: not an integer in range"
            )))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.parse()
            .map_err(|e| E::custom(format!("invalid Edm.Int64 {v:?}: {e}")))
    }
}

/// Reads `Edm.Single`/`Edm.Double`; the field names the type in errors.
struct FloatVisitor(&'static str);

impl de::Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an {} as a JSON number, numeric string, \"NaN\", \"INF\" or \"-INF\"",
            self.0
        )
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v {
            "NaN" => Ok(f64::NAN),
            "INF" => Ok(f64::INFINITY),
            "-INF" => Ok(f64::NEG_INFINITY),
            _ if looks_numeric(v) => v
                .parse()
                .map_err(|e| E::custom(format!("invalid {} {v:?}: {e}", self.0))),
            _ => Err(E::custom(format!(
                "invalid {} {v:?}: expected a number, \"NaN\", \"INF\" or \"-INF\"",
                self.0
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast text of an f64 is the text `Display` gives, so a decimal
    /// keeps the same digits and scale as before.
    #[test]
    fn decimal_from_f64_reads_the_display_text() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            5.0,
            0.1,
            0.2,
            0.3,
            1.5,
            2.25,
            100.0,
            1234.5678,
            0.00001,
            0.000001,
            1e-7,
            1e15,
            1e16,
            1.5e17,
            123456789012.25,
            7.0e-10,
            9.99,
            0.01,
        ];
        // Money-shaped values and a spread of magnitudes.
        for i in 0..2000u32 {
            values.push(f64::from(i) / 100.0);
            values.push(f64::from(i) * 1.37e-4);
            values.push(f64::from(i) * 7.1e9);
        }
        for v in values {
            let expected = Decimal::from_str_exact(&v.to_string());
            let got = decimal_from_f64(v);
            match (expected, got) {
                (Ok(e), Ok(g)) => {
                    assert_eq!(e, g, "{v}");
                    assert_eq!(e.to_string(), g.to_string(), "{v}: same text and scale");
                }
                (Err(_), Err(_)) => {}
                (e, g) => panic!("{v}: {e:?} vs {g:?}"),
            }
        }
    }
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Row {
        #[serde(default, skip_serializing_if = "Option::is_none", with = "decimal_opt")]
        dec: Option<Decimal>,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "int64_opt")]
        int: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "single_opt")]
        single: Option<f32>,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "double_opt")]
        double: Option<f64>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Req {
        #[serde(with = "decimal")]
        dec: Decimal,
        #[serde(with = "int64")]
        int: i64,
        #[serde(with = "single")]
        single: f32,
        #[serde(with = "double")]
        double: f64,
    }

    fn row(text: &str) -> Result<Row, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn dec_of(json: &str) -> Decimal {
        row(&format!(r#"{{"dec":{json}}}"#))
            .unwrap_or_else(|e| panic!("{e}"))
            .dec
            .unwrap_or_else(|| panic!("no value for {json}"))
    }

    #[test]
    fn decimal_exactness() {
        for (json, want) in [
            ("0.62", "0.62"),
            ("12.83", "12.83"),
            ("\"0.62\"", "0.62"),
            ("1e-7", "0.0000001"),
            ("\"1e-7\"", "0.0000001"),
            ("0.00", "0"),
            ("\"0.00\"", "0.00"),
            ("-3", "-3"),
            ("18446744073709551615", "18446744073709551615"),
            (
                "\"79228162514264337593543950335\"",
                "79228162514264337593543950335",
            ),
        ] {
            let got = dec_of(json);
            assert_eq!(got, dec(want), "{json}");
            assert_eq!(got.to_string(), want, "{json}");
        }
    }

    #[test]
    fn decimal_writes_numbers() {
        for (input, out) in [
            ("0.62", "0.62"),
            ("12.83", "12.83"),
            ("0.00", "0"),
            ("1000", "1000"),
            ("-0.5", "-0.5"),
            ("0.0000001", "1e-7"),
            ("18446744073709551615", "18446744073709551615"),
            ("100000000000000000000", "1e+20"),
            ("18446744073709551616", "\"18446744073709551616\""),
            // Not representable by any f64: written as a string instead of rounded.
            ("1.2345678901234567890123", "\"1.2345678901234567890123\""),
        ] {
            let r = Row {
                dec: Some(dec(input)),
                int: None,
                single: None,
                double: None,
            };
            let text = serde_json::to_string(&r).unwrap_or_default();
            assert_eq!(text, format!(r#"{{"dec":{out}}}"#), "{input}");
            assert_eq!(row(&text).ok(), Some(r), "{input} reads back");
        }
    }

    #[test]
    fn decimal_errors() {
        for (json, needle) in [
            ("\"NaN\"", "NaN and infinities"),
            ("\"INF\"", "NaN and infinities"),
            ("\"-INF\"", "NaN and infinities"),
            ("\"abc\"", "invalid Edm.Decimal \"abc\""),
            ("1e30", "does not fit a Decimal"),
            ("true", "Edm.Decimal as a JSON number or numeric string"),
        ] {
            let err = row(&format!(r#"{{"dec":{json}}}"#))
                .err()
                .unwrap_or_default();
            assert!(err.contains(needle), "{json}: {err}");
        }
    }

    #[test]
    fn int64_number_and_string() {
        for (json, want) in [
            ("4294967295", 4_294_967_295),
            ("\"4294967295\"", 4_294_967_295),
            ("\"9007199254740993\"", 9_007_199_254_740_993),
            ("9007199254740993", 9_007_199_254_740_993),
            ("-9223372036854775808", i64::MIN),
            ("\"9223372036854775807\"", i64::MAX),
            ("5.0", 5),
        ] {
            let r = row(&format!(r#"{{"int":{json}}}"#)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.int, Some(want), "{json}");
            let text = serde_json::to_string(&r).unwrap_or_default();
            assert_eq!(text, format!(r#"{{"int":{want}}}"#));
        }
    }

    #[test]
    fn int64_errors() {
        for (json, needle) in [
            ("9223372036854775808", "out of range"),
            ("1.5", "not an integer"),
            ("\"12x\"", "invalid Edm.Int64 \"12x\""),
            ("\"\"", "invalid Edm.Int64 \"\""),
        ] {
            let err = row(&format!(r#"{{"int":{json}}}"#))
                .err()
                .unwrap_or_default();
            assert!(err.contains(needle), "{json}: {err}");
        }
    }

    #[test]
    fn null_and_absent_are_none() {
        let empty = Row {
            dec: None,
            int: None,
            single: None,
            double: None,
        };
        assert_eq!(row("{}").ok(), Some(empty));
        let nulls = row(r#"{"dec":null,"int":null,"single":null,"double":null}"#);
        assert_eq!(serde_json::to_string(&nulls.ok()).unwrap_or_default(), "{}");
    }

    #[test]
    fn single_and_double() {
        let r = row(r#"{"single":0.27,"double":23}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.single, r.double), (Some(0.27), Some(23.0)));
        assert_eq!(
            serde_json::to_string(&r).unwrap_or_default(),
            r#"{"single":0.27,"double":23.0}"#
        );
        let r = row(r#"{"single":"NaN","double":"-INF"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.single.is_some_and(f32::is_nan));
        assert_eq!(r.double, Some(f64::NEG_INFINITY));
        assert_eq!(
            serde_json::to_value(&r).unwrap_or_default(),
            json!({"single": "NaN", "double": "-INF"})
        );
        let r = row(r#"{"double":"INF","single":"1.5"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.single, r.double), (Some(1.5), Some(f64::INFINITY)));
        for bad in [
            r#"{"double":"inf"}"#,
            r#"{"double":"infinity"}"#,
            r#"{"single":"x"}"#,
        ] {
            let err = row(bad).err().unwrap_or_default();
            assert!(err.contains("expected a number, \"NaN\""), "{bad}: {err}");
        }
    }

    #[test]
    fn collections() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Lists {
            #[serde(default, with = "int64_vec")]
            ints: Vec<i64>,
            #[serde(default, with = "decimal_vec")]
            decs: Vec<Decimal>,
            #[serde(default, with = "double_vec")]
            doubles: Vec<f64>,
            #[serde(default, with = "single_vec")]
            singles: Vec<f32>,
        }
        let text = r#"{"ints":[1,"9007199254740993"],"decs":[0.62,"12.83"],"doubles":["INF",2],"singles":[]}"#;
        let l: Lists = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(l.ints, vec![1, 9_007_199_254_740_993]);
        assert_eq!(l.decs, vec![dec("0.62"), dec("12.83")]);
        assert_eq!(l.doubles, vec![f64::INFINITY, 2.0]);
        assert_eq!(
            serde_json::to_string(&l).unwrap_or_default(),
            r#"{"ints":[1,9007199254740993],"decs":[0.62,12.83],"doubles":["INF",2.0],"singles":[]}"#
        );
        let empty: Lists = serde_json::from_str("{}").unwrap_or_else(|e| panic!("{e}"));
        assert!(empty.ints.is_empty() && empty.decs.is_empty());
        let err = serde_json::from_str::<Lists>(r#"{"ints":[1,"x"]}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("invalid Edm.Int64 \"x\""), "{err}");
    }

    #[test]
    fn required_fields_and_buffered_deserialization() {
        let text = r#"{"dec":"0.62","int":"7","single":3830,"double":"NaN"}"#;
        let r: Req = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.dec, r.int, r.single), (dec("0.62"), 7, 3830.0));
        assert!(r.double.is_nan());
        // Through serde's buffered Content (flatten), as generated open types do.
        #[derive(Deserialize)]
        struct Outer {
            #[serde(flatten)]
            row: Row,
            #[serde(flatten)]
            rest: serde_json::Map<String, serde_json::Value>,
        }
        let o: Outer = serde_json::from_str(r#"{"dec":0.62,"int":"9007199254740993","x":1}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.row.dec, Some(dec("0.62")));
        assert_eq!(o.row.int, Some(9_007_199_254_740_993));
        assert_eq!(o.rest.get("x"), Some(&json!(1)));
        assert!(serde_json::from_str::<Req>(r#"{"dec":1,"int":1,"single":1}"#).is_err());
    }
}
