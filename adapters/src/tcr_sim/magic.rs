//! `[sim:...]` markers in `displayName` that make the simulator fail or stall on purpose.
use std::time::Duration;

use axum::http::StatusCode;

use super::state::IdentityStatus;

/// What `tendlc tcr-sim --help` prints about the magic inputs (see the module docs).
pub const MAGIC_INPUTS_HELP: &str = "\
Magic inputs: put a marker in a brand's displayName (create and update) to make the simulator
misbehave on purpose. Markers combine; an unknown [sim:...] marker is refused with error 501.

  [sim:unverified]             scoring ends UNVERIFIED instead of VERIFIED
  [sim:self-declared]          scoring ends SELF_DECLARED
  [sim:error-NNN]              refused with HTTP 400 and TCR error code NNN, nothing stored
                               (e.g. [sim:error-591]: temporary error, retry in 30 s)
  [sim:http-NNN]               fails with bare HTTP status NNN (400-599, e.g. 500, 502, 503, 429),
                               no body, nothing stored
  [sim:slow-N]                 answers N seconds late (0-600); the brand is stored at once
  [sim:created-then-http-500]  (create only) the brand is created but the answer is a bare
                               HTTP 500
";

const MAX_DELAY_SECS: u64 = 600;

/// The markers found in one `displayName`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Magic {
    /// The identity verdict scoring should reach instead of the normal one.
    pub scoring: Option<IdentityStatus>,
    pub tcr_error: Option<u16>,
    pub http_status: Option<StatusCode>,
    pub delay: Option<Duration>,
    pub created_then_http_500: bool,
}

impl Magic {
    /// Reads every `[sim:...]` marker; `Err` describes the first one it does not know.
    pub fn parse(display_name: &str) -> Result<Self, String> {
        let mut magic = Magic::default();
        let mut rest = display_name;
        while let Some(start) = rest.find("[sim:") {
            let after = &rest[start + "[sim:".len()..];
            let end = after.find(']').ok_or_else(|| {
                format!("unterminated simulator marker in displayName: [sim:{after}")
            })?;
            magic.apply(&after[..end].to_ascii_lowercase())?;
            rest = &after[end + 1..];
        }
        Ok(magic)
    }

    fn apply(&mut self, marker: &str) -> Result<(), String> {
        let unknown = || format!("unknown simulator marker [sim:{marker}]; see MAGIC_INPUTS_HELP");
        let number = |prefix: &str| {
            marker
                .strip_prefix(prefix)
                .and_then(|n| n.parse::<u64>().ok())
        };
        match marker {
            "unverified" => self.scoring = Some(IdentityStatus::Unverified),
            "self-declared" => self.scoring = Some(IdentityStatus::SelfDeclared),
            "created-then-http-500" => self.created_then_http_500 = true,
            _ if marker.starts_with("error-") => {
                let code = number("error-")
                    .filter(|c| (100..=999).contains(c))
                    .ok_or_else(unknown)?;
                self.tcr_error = Some(code as u16);
            }
            _ if marker.starts_with("http-") => {
                let status = number("http-")
                    .filter(|s| (400..=599).contains(s))
                    .and_then(|s| StatusCode::from_u16(s as u16).ok())
                    .ok_or_else(unknown)?;
                self.http_status = Some(status);
            }
            _ if marker.starts_with("slow-") => {
                let secs = number("slow-")
                    .filter(|s| *s <= MAX_DELAY_SECS)
                    .ok_or_else(unknown)?;
                self.delay = Some(Duration::from_secs(secs));
            }
            _ => return Err(unknown()),
        }
        Ok(())
    }

    /// Holds the answer back as long as `[sim:slow-N]` asked.
    pub async fn delay<T>(&self, answer: T) -> T {
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_name_has_no_magic() {
        assert_eq!(Magic::parse("Acme Widgets [beta]"), Ok(Magic::default()));
    }

    #[test]
    fn markers_combine() {
        let magic = Magic::parse("Acme [sim:slow-2] [sim:error-591] [sim:unverified]").unwrap();
        assert_eq!(magic.delay, Some(Duration::from_secs(2)));
        assert_eq!(magic.tcr_error, Some(591));
        assert_eq!(magic.scoring, Some(IdentityStatus::Unverified));
    }

    #[test]
    fn http_and_created_markers_are_read() {
        let magic = Magic::parse("[sim:http-503][sim:created-then-http-500]").unwrap();
        assert_eq!(magic.http_status, Some(StatusCode::SERVICE_UNAVAILABLE));
        assert!(magic.created_then_http_500);
    }

    #[test]
    fn unknown_or_out_of_range_markers_are_refused() {
        for name in [
            "[sim:bogus]",
            "[sim:http-200]",
            "[sim:error-abc]",
            "[sim:slow-601]",
            "[sim:slow-2",
        ] {
            assert!(Magic::parse(name).is_err(), "{name} should be refused");
        }
    }
}
