//! Files a customer hands us for TCR (appeal evidence, MMS sample media, supporting documents):
//! which types and sizes TCR takes, checked before TCR ever sees a byte.

use serde::{Deserialize, Serialize};

/// A file as events name it: digest, size and type, never its bytes or name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileRef {
    /// Hex SHA-256 of the content, the key of tendlc's file store.
    pub sha256: String,
    pub size_bytes: u64,
    pub content_type: String,
}

/// The categories an external-vetting appeal may name when TCR's own list for the vet's provider
/// (`GET /enum/extVettingAppealCategory?evpId=`) cannot be read: TCR's example names
/// `VERIFY_TAX_ID`; partners mirroring TCR list the identity-appeal categories plus `LOW_SCORE`.
pub const VETTING_APPEAL_CATEGORIES: &[&str] = &[
    "VERIFY_TAX_ID",
    "VERIFY_NON_PROFIT",
    "VERIFY_GOVERNMENT",
    "LOW_SCORE",
];

/// Where a file goes at TCR; each destination has its own list of accepted types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttachmentUse {
    /// `POST /brand/{id}/appeal/evidence` (identity and external-vetting appeals).
    AppealEvidence,
    /// `POST /campaign/{id}/mms`.
    MmsSample,
    /// `POST /campaign/{id}/supportingDocument`.
    SupportingDocument,
}

/// TCR's document states 10 MB for MMS media and no other limit; the same bound is applied to
/// every upload so nothing is stored that no destination would take.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The media types behind the file extensions TCR's document lists for each destination
/// (546 "Unsupported file type"), with the extension TCR expects.
const TYPES: &[(&str, &str, &[AttachmentUse])] = {
    use AttachmentUse::*;
    const DOC: &[AttachmentUse] = &[AppealEvidence, SupportingDocument];
    const ALL: &[AttachmentUse] = &[AppealEvidence, MmsSample, SupportingDocument];
    const MMS: &[AttachmentUse] = &[MmsSample];
    &[
        ("image/jpeg", "jpg", ALL),
        ("image/png", "png", ALL),
        ("image/bmp", "bmp", ALL),
        ("text/plain", "txt", ALL),
        ("image/tiff", "tiff", DOC),
        ("image/x-panasonic-raw", "raw", DOC),
        ("application/pdf", "pdf", DOC),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            DOC,
        ),
        ("text/html", "htm", DOC),
        ("application/vnd.oasis.opendocument.text", "odt", DOC),
        ("application/rtf", "rtf", DOC),
        ("application/xml", "xml", DOC),
        ("text/xml", "xml", DOC),
        ("image/gif", "gif", MMS),
        ("audio/mpeg", "mp3", MMS),
        ("audio/mp4", "m4a", MMS),
        ("video/mp4", "mp4", MMS),
        ("video/x-m4v", "m4v", MMS),
        ("audio/ogg", "ogg", MMS),
        ("video/ogg", "ogv", MMS),
        ("application/ogg", "ogx", MMS),
        ("audio/wav", "wav", MMS),
        ("audio/x-wav", "wav", MMS),
        ("video/webm", "webm", MMS),
        ("audio/webm", "webm", MMS),
    ]
};

/// A media type TCR accepts somewhere, parsed from a `Content-Type` (parameters dropped,
/// lower-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentType(&'static str);

impl AttachmentType {
    pub fn parse(content_type: &str) -> Result<Self, String> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        TYPES
            .iter()
            .find(|(mime, _, _)| *mime == essence)
            .map(|(mime, _, _)| Self(mime))
            .ok_or_else(|| {
                format!(
                    "{essence:?} is not a type TCR accepts; accepted: {}",
                    accepted().join(", ")
                )
            })
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The file extension TCR recognises the type by.
    pub fn extension(&self) -> &'static str {
        self.entry().1
    }

    /// Whether TCR takes this type for `destination`; the error names the types it does take.
    pub fn check_for(&self, destination: AttachmentUse) -> Result<(), String> {
        if self.entry().2.contains(&destination) {
            return Ok(());
        }
        let allowed: Vec<&str> = TYPES
            .iter()
            .filter(|(_, _, uses)| uses.contains(&destination))
            .map(|(mime, _, _)| *mime)
            .collect();
        Err(format!(
            "TCR does not take {} here; accepted: {}",
            self.0,
            allowed.join(", ")
        ))
    }

    /// Whether `content` is what the type says: a text type must be text (UTF-8, no NUL); any
    /// other must carry that type's signature (the `infer` crate reads it), so a mislabelled
    /// file is refused before TCR or a carrier sees it. Panasonic RAW has no signature to
    /// check.
    pub fn check_content(&self, content: &[u8]) -> Result<(), String> {
        let declared = self.0;
        if TEXT_TYPES.contains(&declared) {
            return match std::str::from_utf8(content) {
                Ok(text) if !text.contains('\0') => Ok(()),
                _ => Err(format!(
                    "the file is not text, so not {declared}; name the type it is"
                )),
            };
        }
        if declared == "image/x-panasonic-raw" {
            return Ok(());
        }
        let detected = infer::get(content).map(|kind| kind.mime_type());
        let zipped_document = matches!(
            declared,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                | "application/vnd.oasis.opendocument.text"
        ) && detected == Some("application/zip");
        match detected {
            Some(found) if family(found) == family(declared) || zipped_document => Ok(()),
            Some(found) => Err(format!(
                "the file's content is {found} (by its signature), not {declared}; name the type it is"
            )),
            None => Err(format!(
                "the file's content does not begin as a .{} file does, so it is not {declared}",
                self.extension()
            )),
        }
    }

    fn entry(&self) -> &'static (&'static str, &'static str, &'static [AttachmentUse]) {
        TYPES
            .iter()
            .find(|(mime, _, _)| *mime == self.0)
            .expect("parsed from the table")
    }
}

/// The accepted types that are text (checked as text, not by a signature).
const TEXT_TYPES: &[&str] = &[
    "text/plain",
    "text/html",
    "application/xml",
    "text/xml",
    "application/rtf",
];

/// Types that name the same kind of content (a container holding audio or video).
fn family(mime: &str) -> &str {
    match mime {
        "audio/wav" | "audio/x-wav" => "wav",
        "audio/ogg" | "video/ogg" | "application/ogg" => "ogg",
        "video/mp4" | "audio/mp4" | "audio/m4a" | "video/x-m4v" => "mp4",
        "video/webm" | "audio/webm" => "webm",
        other => other,
    }
}

fn accepted() -> Vec<&'static str> {
    TYPES.iter().map(|(mime, _, _)| *mime).collect()
}

/// A size TCR takes: not empty, at most [`MAX_ATTACHMENT_BYTES`].
pub fn check_size(bytes: usize) -> Result<(), String> {
    match bytes {
        0 => Err("the file is empty".into()),
        n if n > MAX_ATTACHMENT_BYTES => Err(format!(
            "the file is {n} bytes; TCR takes at most {MAX_ATTACHMENT_BYTES} bytes (10 MB)"
        )),
        _ => Ok(()),
    }
}

/// A file name safe to send to TCR: its last path segment, printable, at most 255 characters;
/// `None` when nothing usable is left.
pub fn clean_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(255).collect();
    (!cleaned.is_empty() && cleaned != "." && cleaned != "..").then_some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_take_a_png_for_every_destination_but_a_gif_only_as_mms() {
        let png = AttachmentType::parse("image/PNG; charset=binary").unwrap();
        assert_eq!(png.as_str(), "image/png");
        for destination in [
            AttachmentUse::AppealEvidence,
            AttachmentUse::MmsSample,
            AttachmentUse::SupportingDocument,
        ] {
            assert!(
                png.check_for(destination).is_ok(),
                "png for {destination:?}"
            );
        }
        let gif = AttachmentType::parse("image/gif").unwrap();
        assert!(gif.check_for(AttachmentUse::MmsSample).is_ok());
        assert!(gif.check_for(AttachmentUse::AppealEvidence).is_err());
        assert!(AttachmentType::parse("application/pdf")
            .unwrap()
            .check_for(AttachmentUse::MmsSample)
            .is_err());
    }

    #[test]
    fn it_should_take_content_only_as_the_type_it_is() {
        let png = AttachmentType::parse("image/png").unwrap();
        assert!(png.check_content(b"\x89PNG\r\n\x1a\n rest").is_ok());
        let refused = png.check_content(b"plain words").unwrap_err();
        assert!(refused.contains("image/png"), "{refused}");
        let as_jpeg = AttachmentType::parse("image/jpeg")
            .unwrap()
            .check_content(b"\x89PNG\r\n\x1a\n rest")
            .unwrap_err();
        assert!(
            as_jpeg.contains("image/png (by its signature)"),
            "{as_jpeg}"
        );
        let text = AttachmentType::parse("text/plain").unwrap();
        assert!(text.check_content("Opt-in: reply YES ✓".as_bytes()).is_ok());
        assert!(text.check_content(b"\x89PNG\r\n\x1a\n\0\0").is_err());
        let pdf = AttachmentType::parse("application/pdf").unwrap();
        assert!(pdf.check_content(b"%PDF-1.4 form").is_ok());
        // one container, several names
        let wav = AttachmentType::parse("audio/wav").unwrap();
        assert!(wav.check_content(b"RIFF\0\0\0\0WAVEfmt ").is_ok());
    }

    #[test]
    fn it_should_refuse_types_and_sizes_tcr_does_not_take() {
        assert!(AttachmentType::parse("application/x-msdownload").is_err());
        assert!(check_size(0).is_err());
        assert!(check_size(MAX_ATTACHMENT_BYTES + 1).is_err());
        assert!(check_size(MAX_ATTACHMENT_BYTES).is_ok());
    }

    #[test]
    fn it_should_keep_only_the_last_segment_of_a_file_name() {
        assert_eq!(
            clean_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(clean_file_name("C:\\a\\b.pdf").as_deref(), Some("b.pdf"));
        assert_eq!(clean_file_name(".."), None);
    }
}
