//! Identifiers: ours (UUIDs) and TCR's (short codes), each its own type so one can never be
//! passed for another. All read and write as the plain string they always were, so recorded
//! events keep their shape.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! our_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }

            pub fn as_uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self(Uuid::nil())
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Fixtures spell ids as text.
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                text.parse().expect("a fixture id is a UUID")
            }
        }
    };
}

our_id!(
    /// A customer (tenant) of the operator; derived from its BAN.
    CustomerId
);
our_id!(
    /// A brand registration, tendlc's id.
    BrandId
);
our_id!(
    /// A campaign registration, tendlc's id.
    CampaignId
);

/// Why text is not one of TCR's ids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a TCR id (letters and digits, up to 20)")]
pub struct NotATcrId(pub String);

macro_rules! tcr_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// TCR's spelling: letters and digits, at most 20 (upper-cased).
            pub fn parse(text: &str) -> Result<Self, NotATcrId> {
                let text = text.trim();
                if !text.is_empty()
                    && text.len() <= 20
                    && text.chars().all(|c| c.is_ascii_alphanumeric())
                {
                    Ok(Self(text.to_ascii_uppercase()))
                } else {
                    Err(NotATcrId(text.to_string()))
                }
            }

            /// An id as TCR gave it (in an answer or a webhook), or as our own records keep
            /// what TCR gave: taken as it is, never refused.
            pub fn from_tcr(text: impl Into<String>) -> Self {
                Self(text.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Fixtures spell ids as text.
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_string())
            }
        }
    };
}

tcr_id!(
    /// TCR's id of a brand (e.g. `B8P0BAC`), as TCR gave it.
    TcrBrandId
);
tcr_id!(
    /// TCR's id of a campaign (e.g. `C1A2B3C`), as TCR gave it.
    TcrCampaignId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_read_and_write_ids_as_the_strings_events_hold() {
        let id: BrandId = serde_json::from_str("\"0b7c2a4e-9d1f-4c3b-8a5e-2f6d1c0b9a87\"").unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"0b7c2a4e-9d1f-4c3b-8a5e-2f6d1c0b9a87\""
        );
        let tcr: TcrBrandId = serde_json::from_str("\"B8P0BAC\"").unwrap();
        assert_eq!(tcr.as_str(), "B8P0BAC");
    }

    #[test]
    fn it_should_take_only_letters_and_digits_as_a_tcr_id() {
        assert_eq!(
            TcrCampaignId::parse(" c1a2b3c ").unwrap().as_str(),
            "C1A2B3C"
        );
        assert!(TcrBrandId::parse("").is_err());
        assert!(TcrBrandId::parse("B-1").is_err());
        assert!(TcrBrandId::parse(&"B".repeat(21)).is_err());
    }
}
our_id!(
    /// A reseller registration, tendlc's id.
    ResellerId
);
tcr_id!(
    /// TCR's id of a reseller (`R` + 6).
    TcrResellerId
);
