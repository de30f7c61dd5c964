//! The CSV columns of every export kind: the row type's properties in CSDL
//! order (base type first), nested structured values flattened with `.`,
//! collections and open/polymorphic leftovers as JSON text.
//!
//! The lists are generated from the CSDL in `metadata/` by `cargo xtask
//! codegen` (`generated.rs`; the rules are in `msgraph_codegen::models::columns`)
//! and static, so the header is the same whether values are null or not.

use crate::args::Kind;

// Formatted by prettyplease at generation time (`cargo xtask codegen --check`
// compares it byte for byte), so rustfmt must leave it alone.
#[rustfmt::skip]
mod generated;

/// The columns of `kind`, for the v1.0 or the beta row type.
pub fn columns(kind: Kind, beta: bool) -> Vec<String> {
    let list = match (kind, beta) {
        (Kind::Pstn, false) => generated::V1_PSTN_CALL_LOG_ROW,
        (Kind::Pstn, true) => generated::BETA_PSTN_CALL_LOG_ROW,
        (Kind::DirectRouting, false) => generated::V1_DIRECT_ROUTING_LOG_ROW,
        (Kind::DirectRouting, true) => generated::BETA_DIRECT_ROUTING_LOG_ROW,
        (Kind::Sms, _) => generated::BETA_SMS_LOG_ROW,
        (Kind::BlockedUsers, _) => generated::BETA_PSTN_BLOCKED_USERS_LOG_ROW,
        (Kind::DialoutReport, _) => generated::BETA_PSTN_ONLINE_MEETING_DIALOUT_REPORT,
        (Kind::CallRecords, _) => generated::V1_CALL_RECORD,
        // A session row starts with the id of its call record.
        (Kind::Sessions, _) => {
            let mut v = vec!["callRecordId".to_string()];
            v.extend(generated::V1_SESSION.iter().map(|c| c.to_string()));
            return v;
        }
    };
    list.iter().map(|c| c.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn columns_are_unique_for_every_kind() {
        use clap::ValueEnum;
        for kind in Kind::value_variants() {
            for beta in [false, true] {
                let cols = columns(*kind, beta);
                let set: HashSet<_> = cols.iter().collect();
                assert_eq!(set.len(), cols.len(), "{kind:?} beta={beta}");
                assert!(!cols.is_empty());
            }
        }
    }

    #[test]
    fn beta_pstn_starts_with_the_call_log_row_base() {
        let cols = columns(Kind::Pstn, true);
        assert_eq!(&cols[..2], ["administrativeUnitInfos", "id"]);
        assert!(cols.contains(&"clientPublicIpV4Address".to_string()));
        assert_eq!(columns(Kind::Pstn, false).len(), 23);
    }
}
