//! The event types TCR's webhooks carry (`eventType`), spelled exactly as TCR spells them.
use serde::{Deserialize, Serialize, Serializer};

use crate::values::OperationStatus;

macro_rules! event_types {
    ($($(#[$meta:meta])* $variant:ident => $text:literal),+ $(,)?) => {
        /// A TCR webhook event type: one variant per type TCR documents, and [`TcrEventType::Other`]
        /// for any type TCR adds later, kept exactly as it arrived.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
        #[serde(from = "String")]
        pub enum TcrEventType {
            $($(#[$meta])* $variant,)+
            /// A type this list does not know; never one of the spellings above.
            Other(String),
        }

        impl TcrEventType {
            /// Every documented type.
            pub const KNOWN: &'static [TcrEventType] = &[$(TcrEventType::$variant),+];

            /// TCR's spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(TcrEventType::$variant => $text,)+
                    TcrEventType::Other(text) => text,
                }
            }

            fn known(text: &str) -> Option<TcrEventType> {
                match text {
                    $($text => Some(TcrEventType::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

// shared/tcr-api.md §6.2 (TCR's `GET /webhook/eventType` and the types integrators have seen),
// grouped by TCR's event category.
event_types! {
    // BRAND
    BrandAdd => "BRAND_ADD",
    BrandUpdate => "BRAND_UPDATE",
    BrandDelete => "BRAND_DELETE",
    BrandScoreUpdate => "BRAND_SCORE_UPDATE",
    BrandIdentityStatusUpdate => "BRAND_IDENTITY_STATUS_UPDATE",
    BrandIdentityVetUpdate => "BRAND_IDENTITY_VET_UPDATE",
    BrandRevet => "BRAND_REVET",
    BrandMockOtp => "BRAND_MOCK_OTP",
    BrandOtpVerified => "BRAND_OTP_VERIFIED",
    BrandAppealAdd => "BRAND_APPEAL_ADD",
    BrandAppealComplete => "BRAND_APPEAL_COMPLETE",
    // CAMPAIGN
    CampaignAdd => "CAMPAIGN_ADD",
    CampaignUpdate => "CAMPAIGN_UPDATE",
    CampaignBilled => "CAMPAIGN_BILLED",
    CampaignDcaComplete => "CAMPAIGN_DCA_COMPLETE",
    CampaignExpired => "CAMPAIGN_EXPIRED",
    CampaignNudge => "CAMPAIGN_NUDGE",
    CampaignResubmission => "CAMPAIGN_RESUBMISSION",
    CampaignShareAdd => "CAMPAIGN_SHARE_ADD",
    CampaignShareAccept => "CAMPAIGN_SHARE_ACCEPT",
    CampaignShareDelete => "CAMPAIGN_SHARE_DELETE",
    MnoCampaignOperationApproved => "MNO_CAMPAIGN_OPERATION_APPROVED",
    MnoCampaignOperationRejected => "MNO_CAMPAIGN_OPERATION_REJECTED",
    MnoCampaignOperationReview => "MNO_CAMPAIGN_OPERATION_REVIEW",
    MnoCampaignOperationSuspended => "MNO_CAMPAIGN_OPERATION_SUSPENDED",
    MnoCampaignOperationUnsuspended => "MNO_CAMPAIGN_OPERATION_UNSUSPENDED",
    // CSP
    CspActive => "CSP_ACTIVE",
    CspApprove => "CSP_APPROVE",
    CspSuspend => "CSP_SUSPEND",
    // VETTING
    EvpReportScore => "EVP_REPORT_SCORE",
    EvpReportUnscore => "EVP_REPORT_UNSCORE",
    EvpReportFail => "EVP_REPORT_FAIL",
    EvpReportImport => "EVP_REPORT_IMPORT",
    EvpReportUpdate => "EVP_REPORT_UPDATE",
    EvpReportExpire => "EVP_REPORT_EXPIRE",
    EvpReportExpressMail => "EVP_REPORT_EXPRESS_MAIL",
    // Authentication+ (2025; TCR's category for them is unconfirmed)
    BrandAuthplusVerificationAdd => "BRAND_AUTHPLUS_VERIFICATION_ADD",
    BrandAuthplusReVerificationAdd => "BRAND_AUTHPLUS_RE_VERIFICATION_ADD",
    BrandAuthplusDomainVerified => "BRAND_AUTHPLUS_DOMAIN_VERIFIED",
    BrandAuthplusDomainFailed => "BRAND_AUTHPLUS_DOMAIN_FAILED",
    BrandAuthplus2faVerified => "BRAND_AUTHPLUS_2FA_VERIFIED",
    BrandAuthplus2faFailed => "BRAND_AUTHPLUS_2FA_FAILED",
    BrandAuthplusVerificationComplete => "BRAND_AUTHPLUS_VERIFICATION_COMPLETE",
    BrandAuthplusVerificationFailed => "BRAND_AUTHPLUS_VERIFICATION_FAILED",
    BrandAuthplusVerificationExpired => "BRAND_AUTHPLUS_VERIFICATION_EXPIRED",
    BrandEmail2faSend => "BRAND_EMAIL_2FA_SEND",
    BrandEmail2faOpen => "BRAND_EMAIL_2FA_OPEN",
    BrandEmail2faExpired => "BRAND_EMAIL_2FA_EXPIRED",
    // INCIDENCE
    MnoComplaint => "MNO_COMPLAINT",
}

/// The records beside a brand's identity status that an event reports on, and that are read
/// from TCR again when it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityRecord {
    /// An external vetting report (`EVP_REPORT_*`).
    Vetting,
    /// An identity-status appeal.
    Appeal,
    /// A sole proprietor's SMS OTP.
    Otp,
    /// Authentication+ (a vetting of class AUTHPLUS: domain check and 2FA e-mail).
    AuthPlus,
}

impl TcrEventType {
    /// Which identity record the event concerns, if any. `BRAND_REVET` and
    /// `BRAND_IDENTITY_VET_UPDATE` concern none: a revet re-runs TCR's identity check, whose
    /// outcome is the identity status (`BRAND_SCORE_UPDATE`, `BRAND_IDENTITY_STATUS_UPDATE`), not an
    /// external vetting report.
    pub fn identity_record(&self) -> Option<IdentityRecord> {
        use TcrEventType::*;
        match self {
            EvpReportScore | EvpReportUnscore | EvpReportFail | EvpReportImport
            | EvpReportUpdate | EvpReportExpire | EvpReportExpressMail => {
                Some(IdentityRecord::Vetting)
            }
            BrandAppealAdd | BrandAppealComplete => Some(IdentityRecord::Appeal),
            BrandMockOtp | BrandOtpVerified => Some(IdentityRecord::Otp),
            BrandAuthplusVerificationAdd
            | BrandAuthplusReVerificationAdd
            | BrandAuthplusDomainVerified
            | BrandAuthplusDomainFailed
            | BrandAuthplus2faVerified
            | BrandAuthplus2faFailed
            | BrandAuthplusVerificationComplete
            | BrandAuthplusVerificationFailed
            | BrandAuthplusVerificationExpired
            | BrandEmail2faSend
            | BrandEmail2faOpen
            | BrandEmail2faExpired => Some(IdentityRecord::AuthPlus),
            _ => None,
        }
    }

    /// The status a carrier reports with an `MNO_CAMPAIGN_OPERATION_*` event (TCR's webhooks say
    /// APPROVED where its operation status says REGISTERED; lifting a suspension leaves the
    /// campaign REGISTERED again).
    pub fn carrier_status(&self) -> Option<OperationStatus> {
        match self {
            TcrEventType::MnoCampaignOperationApproved
            | TcrEventType::MnoCampaignOperationUnsuspended => Some(OperationStatus::Registered),
            TcrEventType::MnoCampaignOperationRejected => Some(OperationStatus::Rejected),
            TcrEventType::MnoCampaignOperationReview => Some(OperationStatus::Review),
            TcrEventType::MnoCampaignOperationSuspended => Some(OperationStatus::Suspended),
            _ => None,
        }
    }
}

impl From<&str> for TcrEventType {
    fn from(text: &str) -> TcrEventType {
        TcrEventType::known(text).unwrap_or_else(|| TcrEventType::Other(text.to_string()))
    }
}

impl From<String> for TcrEventType {
    fn from(text: String) -> TcrEventType {
        TcrEventType::known(&text).unwrap_or(TcrEventType::Other(text))
    }
}

impl Serialize for TcrEventType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for TcrEventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_read_every_documented_type_as_its_own_variant_and_write_it_back() {
        for known in TcrEventType::KNOWN {
            // given
            let wire = serde_json::to_string(known.as_str()).unwrap();
            // when
            let read: TcrEventType = serde_json::from_str(&wire).unwrap();
            // then
            assert_eq!(&read, known);
            assert!(!matches!(read, TcrEventType::Other(_)), "{wire}");
            assert_eq!(serde_json::to_string(&read).unwrap(), wire);
        }
        assert_eq!(TcrEventType::KNOWN.len(), 49);
    }

    #[test]
    fn it_should_keep_an_unknown_type_as_other_and_write_it_back_unchanged() {
        for text in [
            "BRAND_SOMETHING_NEW",
            "brand_add",
            " BRAND_ADD",
            "",
            "ÉVÉNEMENT",
        ] {
            // given
            let wire = serde_json::to_string(text).unwrap();
            // when
            let read: TcrEventType = serde_json::from_str(&wire).unwrap();
            // then
            assert_eq!(read, TcrEventType::Other(text.to_string()));
            assert_eq!(read.as_str(), text);
            assert_eq!(serde_json::to_string(&read).unwrap(), wire);
        }
    }

    #[test]
    fn it_should_not_treat_a_revet_as_a_vetting_record_event() {
        // given
        let revet = TcrEventType::from("BRAND_REVET");
        // when
        let record = revet.identity_record();
        // then
        assert_eq!(revet, TcrEventType::BrandRevet);
        assert_eq!(record, None);
        assert_eq!(TcrEventType::BrandIdentityVetUpdate.identity_record(), None);
    }

    #[test]
    fn it_should_name_the_identity_record_an_event_concerns() {
        for (text, record) in [
            ("EVP_REPORT_SCORE", Some(IdentityRecord::Vetting)),
            ("EVP_REPORT_EXPIRE", Some(IdentityRecord::Vetting)),
            ("BRAND_APPEAL_ADD", Some(IdentityRecord::Appeal)),
            ("BRAND_APPEAL_COMPLETE", Some(IdentityRecord::Appeal)),
            ("BRAND_MOCK_OTP", Some(IdentityRecord::Otp)),
            ("BRAND_OTP_VERIFIED", Some(IdentityRecord::Otp)),
            (
                "BRAND_AUTHPLUS_2FA_VERIFIED",
                Some(IdentityRecord::AuthPlus),
            ),
            ("BRAND_EMAIL_2FA_OPEN", Some(IdentityRecord::AuthPlus)),
            ("BRAND_IDENTITY_STATUS_UPDATE", None),
            ("BRAND_ADD", None),
            ("CAMPAIGN_ADD", None),
            ("BRAND_APPEAL_SOMETHING_NEW", None),
        ] {
            // given
            let event_type = TcrEventType::from(text);
            // when / then
            assert_eq!(event_type.identity_record(), record, "{text}");
        }
    }

    #[test]
    fn it_should_read_the_carrier_status_an_mno_event_reports() {
        for (text, status) in [
            (
                "MNO_CAMPAIGN_OPERATION_APPROVED",
                Some(OperationStatus::Registered),
            ),
            (
                "MNO_CAMPAIGN_OPERATION_REJECTED",
                Some(OperationStatus::Rejected),
            ),
            (
                "MNO_CAMPAIGN_OPERATION_REVIEW",
                Some(OperationStatus::Review),
            ),
            (
                "MNO_CAMPAIGN_OPERATION_SUSPENDED",
                Some(OperationStatus::Suspended),
            ),
            (
                "MNO_CAMPAIGN_OPERATION_UNSUSPENDED",
                Some(OperationStatus::Registered),
            ),
            ("MNO_COMPLAINT", None),
            ("CAMPAIGN_SHARE_DELETE", None),
            ("MNO_CAMPAIGN_OPERATION_SOMETHING_NEW", None),
        ] {
            // given
            let event_type = TcrEventType::from(text);
            // when / then
            assert_eq!(event_type.carrier_status(), status, "{text}");
        }
    }
}
