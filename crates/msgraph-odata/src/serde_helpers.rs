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
//!     r#"{"total_call_charge": 12.8300, "charge": "0.62", "link_speed": 4294967295}"#).unwrap();
//! assert_eq!(r.total_call_charge.to_string(), "12.8300");
//! assert_eq!(r.charge.map(|d| d.to_string()).as_deref(), Some("0.62"));
//! assert_eq!(serde_json::to_string(&r).unwrap(),
//!     r#"{"total_call_charge":12.8300,"charge":0.62,"link_speed":4294967295}"#);
//! ```
//!
//! The deserializers also work inside `#[serde(flatten)]` / `#[serde(untagged)]`
//! containers (through `deserialize_any`; a decimal there is read through `f64`).
//! serde_json's `arbitrary_precision` feature is not needed: it would change
//! `serde_json::Value` for every crate in the build and make every number in a
//! `Value` cost an allocation, where `raw_value` only lets [`decimal`] see the text.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::{de, ser, Deserialize, Deserializer, Serialize, Serializer};

/// `Edm.Decimal` as [`Decimal`], digit for digit.
///
/// Reads a JSON number or a numeric string (`IEEE754Compatible=true`; exponents allowed)
/// from its text, so `0.1234567890123456789` keeps all its digits and `12.8300` its scale.
/// With serde_json the text comes through its `raw_value` feature: this module asks for the
/// value's raw JSON text, and other deserializers (serde's buffered `flatten`/`untagged`
/// content) are read as before, a number through its shortest `f64` text. The strings
/// `NaN`, `INF`, `-INF` are rejected (a `Decimal` cannot hold them), as is a value with more
/// digits than a `Decimal` holds (28), rather than silently rounded.
///
/// Writes the decimal's own text as a JSON number (`12.8300`, `0.0750`), so a value read
/// from a response is written back exactly as it came. serde_json emits it as raw JSON text;
/// `serde_json::to_value` reads that text back as a `Value` number (an `f64`).
pub mod decimal {
    use super::*;

    /// Serializes as described in the [module docs](self).
    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        // A `Decimal`'s text is always a valid JSON number (no exponent, no
        // leading `+`, at least one digit before the point).
        let text = serde_json::value::RawValue::from_string(v.to_string())
            .map_err(|e| ser::Error::custom(format!("Edm.Decimal {v} as JSON: {e}")))?;
        text.serialize(s)
    }

    /// Deserializes as described in the [module docs](self).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_newtype_struct(RAW_VALUE_TOKEN, DecimalVisitor)
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
/// `"-INF"`. Writes a JSON number (a whole number without `.0`: `17` writes back as `17`),
/// or those strings for non-finite values.
pub mod double {
    use super::*;

    /// Serializes as a JSON number, or `"NaN"`/`"INF"`/`"-INF"`.
    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        match special_name(*v) {
            Some(name) => s.serialize_str(name),
            None => match whole_number(*v) {
                Some(i) => s.serialize_i64(i),
                None => s.serialize_f64(*v),
            },
        }
    }

    /// Deserializes from a JSON number, numeric string or special string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        d.deserialize_any(FloatVisitor("Edm.Double"))
    }
}

/// `Edm.Single` as `f32`; same rules as [`double`] (`0.27` writes back as `0.27`, `17` as
/// `17`).
pub mod single {
    use super::*;

    /// Serializes as a JSON number, or `"NaN"`/`"INF"`/`"-INF"`.
    pub fn serialize<S: Serializer>(v: &f32, s: S) -> Result<S::Ok, S::Error> {
        match special_name(f64::from(*v)) {
            Some(name) => s.serialize_str(name),
            None => match whole_number(f64::from(*v)) {
                Some(i) => s.serialize_i64(i),
                None => s.serialize_f32(*v),
            },
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

/// The value as an integer when it is a whole number that serde_json would
/// otherwise write with a `.0` (below 10^16; larger ones are written in
/// exponent form, `1e16`, which keeps no `.0` either). `-0.0` stays a float.
fn whole_number(v: f64) -> Option<i64> {
    const LIMIT: f64 = 1e16;
    let whole = v.fract() == 0.0 && v.abs() < LIMIT && !(v == 0.0 && v.is_sign_negative());
    // In range, so the conversion is exact.
    whole.then_some(v as i64)
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

/// The newtype name serde_json (feature `raw_value`) answers with a value's
/// raw JSON text, as a one-member map under this same key.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The key under which serde_json with `arbitrary_precision` (if another crate
/// turns it on) hands a number's text to `deserialize_any`.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// An exact decimal from the text of a JSON number or numeric string.
fn decimal_from_text(text: &str) -> Result<Decimal, String> {
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str_exact(text)
    }
    .map_err(|e| format!("{text} does not fit a Decimal: {e}"))
}

struct DecimalVisitor;

impl DecimalVisitor {
    /// Reads a value from its raw JSON text: a number, or a string holding one.
    fn read_raw<E: de::Error>(self, raw: &str) -> Result<Decimal, E> {
        match raw.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => {
                decimal_from_text(raw).map_err(|e| E::custom(format!("invalid Edm.Decimal: {e}")))
            }
            Some(b'"') => match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                Some(inner) if !inner.contains('\\') => de::Visitor::visit_str(self, inner),
                // A numeric string has no reason to use escapes; decode them anyway.
                _ => match serde_json::from_str::<String>(raw) {
                    Ok(unescaped) => de::Visitor::visit_str(self, &unescaped),
                    Err(e) => Err(E::custom(format!("invalid Edm.Decimal {raw}: {e}"))),
                },
            },
            _ => Err(E::custom(format!(
                "invalid type: {raw}, expected an Edm.Decimal as a JSON number or numeric string"
            ))),
        }
    }
}

impl<'de> de::Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an Edm.Decimal as a JSON number or numeric string")
    }

    /// A deserializer that does not know serde_json's raw-text request
    /// (buffered content) reads the value as usual.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(self)
    }

    /// serde_json's answer to the raw-text request (or, with
    /// `arbitrary_precision`, a number's text); any other map is an error.
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        let key = map.next_key::<Text<'de>>()?;
        match key.as_ref().map(|k| k.0.as_ref()) {
            Some(RAW_VALUE_TOKEN) => self.read_raw(&map.next_value::<Text<'de>>()?.0),
            Some(NUMBER_TOKEN) => decimal_from_text(&map.next_value::<Text<'de>>()?.0)
                .map_err(|e| de::Error::custom(format!("invalid Edm.Decimal: {e}"))),
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
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
        decimal_from_text(v).map_err(|e| E::custom(format!("invalid Edm.Decimal {v:?}: {e}")))
    }
}

/// A string borrowed from the input when it can be (the raw text of a value).
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> de::Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(TextVisitor)
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
            ("0.00", "0.00"),
            ("12.8300", "12.8300"),
            ("0.0750", "0.0750"),
            ("-0.0750", "-0.0750"),
            ("0.1234567890123456789", "0.1234567890123456789"),
            ("1E2", "100"),
            ("\"0.\\u0035\"", "0.5"),
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
            ("12.8300", "12.8300"),
            ("0.0750", "0.0750"),
            ("0.00", "0.00"),
            ("1000", "1000"),
            ("-0.5", "-0.5"),
            ("0.0000001", "0.0000001"),
            ("18446744073709551615", "18446744073709551615"),
            ("100000000000000000000", "100000000000000000000"),
            // Not representable by any f64: still written digit for digit.
            ("1.2345678901234567890123", "1.2345678901234567890123"),
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
            (
                "0.12345678901234567890123456789012",
                "does not fit a Decimal",
            ),
            ("[1]", "expected an Edm.Decimal"),
            ("{\"a\":\"1\"}", "expected an Edm.Decimal"),
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
            r#"{"single":0.27,"double":23}"#
        );
        // Whole numbers write back without `.0`; fractions and -0 as floats.
        for (json, out) in [
            (
                r#"{"single":17,"double":17}"#,
                r#"{"single":17,"double":17}"#,
            ),
            (
                r#"{"single":-3,"double":1e15}"#,
                r#"{"single":-3,"double":1000000000000000}"#,
            ),
            (r#"{"double":1e16}"#, r#"{"double":1e+16}"#),
            (
                r#"{"single":1.5,"double":-0.0}"#,
                r#"{"single":1.5,"double":-0.0}"#,
            ),
        ] {
            let r = row(json).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(serde_json::to_string(&r).unwrap_or_default(), out, "{json}");
        }
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
            r#"{"ints":[1,9007199254740993],"decs":[0.62,12.83],"doubles":["INF",2],"singles":[]}"#
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
        let err = serde_json::from_str::<Req>(r#"{"dec":null,"int":1,"single":1,"double":1}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("invalid type: null, expected an Edm.Decimal"),
            "{err}"
        );
    }

    /// The text reaches the decimal whichever way serde_json is driven: a
    /// borrowed string, bytes, a reader, a `Value`, or serde_path_to_error.
    #[test]
    fn decimal_text_through_every_serde_json_entry_point() {
        let text = r#"{"dec":12.8300}"#;
        let want = "12.8300";
        let from_str = row(text).ok().and_then(|r| r.dec);
        let from_slice = serde_json::from_slice::<Row>(text.as_bytes())
            .ok()
            .and_then(|r| r.dec);
        let from_reader = serde_json::from_reader::<_, Row>(text.as_bytes())
            .ok()
            .and_then(|r| r.dec);
        let tracked = serde_path_to_error::deserialize::<_, Row>(
            &mut serde_json::Deserializer::from_str(text),
        )
        .ok()
        .and_then(|r| r.dec);
        for (how, got) in [
            ("from_str", from_str),
            ("from_slice", from_slice),
            ("from_reader", from_reader),
            ("serde_path_to_error", tracked),
        ] {
            assert_eq!(got.map(|d| d.to_string()).as_deref(), Some(want), "{how}");
        }
        // A `Value` holds numbers as f64, so only the digits survive.
        let value: serde_json::Value =
            serde_json::from_str(r#"{"dec":0.0750}"#).unwrap_or_default();
        let from_value = serde_json::from_value::<Row>(value)
            .ok()
            .and_then(|r| r.dec);
        assert_eq!(from_value, Some(dec("0.075")));
        let value = json!({"dec": "0.0750"});
        let from_value = serde_json::from_value::<Row>(value)
            .ok()
            .and_then(|r| r.dec);
        assert_eq!(from_value.map(|d| d.to_string()).as_deref(), Some("0.0750"));
    }

    #[test]
    fn decimal_round_trips_digit_for_digit() {
        for text in [
            r#"{"dec":0.1234567890123456789}"#,
            r#"{"dec":12.8300}"#,
            r#"{"dec":0.0750}"#,
            r#"{"dec":-1.10}"#,
            r#"{"dec":0}"#,
        ] {
            let r = row(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(serde_json::to_string(&r).unwrap_or_default(), text);
        }
    }
}
