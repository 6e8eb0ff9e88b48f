//! Old event shapes made readable: when an event's shape changes, its `event_version` goes up
//! and an upcaster here rewrites the payloads recorded before, as they are read (events are
//! never edited in place). Every reader uses this one list: the event store loading an
//! aggregate, and every reader of the stream (read models, rebuilds, history, reports).
use cqrs_es::persist::{EventUpcaster, SemanticVersionEventUpcaster, SerializedEvent};
use serde_json::Value;

/// Every upcaster, oldest shape first (cqrs-es applies them in this order).
pub fn all() -> Vec<Box<dyn EventUpcaster>> {
    vec![Box::new(SemanticVersionEventUpcaster::new(
        "BrandVettingRecorded",
        "1.1",
        Box::new(vetting_billed),
    ))]
}

/// `BrandVettingRecorded` 1.0 → 1.1: `billed` is new. Before it, an imported vetting was the
/// only kind TCR did not bill (its provider was paid directly); every other was ordered
/// through TCR.
fn vetting_billed(payload: Value) -> Value {
    match payload {
        Value::Object(mut outer) => {
            if let Some(Value::Object(fields)) = outer.get_mut("BrandVettingRecorded") {
                let imported = fields
                    .get("imported")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                fields.entry("billed").or_insert(Value::Bool(!imported));
            }
            Value::Object(outer)
        }
        other => other,
    }
}

/// The upcasters, built once, for the readers of the stream.
fn registered() -> &'static [Box<dyn EventUpcaster>] {
    static UPCASTERS: std::sync::OnceLock<Vec<Box<dyn EventUpcaster>>> = std::sync::OnceLock::new();
    UPCASTERS.get_or_init(all)
}

/// Whether any upcaster rewrites events of this type and version (readers skip the rewrite
/// for current shapes).
pub fn applies(event_type: &str, event_version: &str) -> bool {
    registered()
        .iter()
        .any(|u| u.can_upcast(event_type, event_version))
}

/// `payload` of an event of `event_type`/`event_version` in its current shape, and the
/// version it now has.
pub fn upcast(event_type: &str, event_version: &str, payload: Value) -> (Value, String) {
    let mut event = SerializedEvent::new(
        String::new(),
        0,
        String::new(),
        event_type.to_string(),
        event_version.to_string(),
        payload,
        Value::Null,
    );
    for upcaster in registered() {
        if upcaster.can_upcast(&event.event_type, &event.event_version) {
            event = upcaster.upcast(event);
        }
    }
    (event.payload, event.event_version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brand::BrandEvent;
    use serde_json::json;

    fn old_vetting(imported: bool) -> Value {
        json!({"BrandVettingRecorded": {
            "vetting": {"provider": "AEGIS", "vettingId": "V1", "vettingClass": "STANDARD",
                        "status": "PENDING", "score": null, "vettedDate": null},
            "imported": imported
        }})
    }

    #[test]
    fn it_should_read_a_vetting_recorded_before_1_1_as_billed_unless_imported() {
        for imported in [false, true] {
            assert!(applies("BrandVettingRecorded", "1.0"));
            let (payload, version) = upcast("BrandVettingRecorded", "1.0", old_vetting(imported));
            assert_eq!(
                version, "1.1.0",
                "the version cqrs-es gives an upcast event"
            );
            let event: BrandEvent = serde_json::from_value(payload).expect("upcast is readable");
            let BrandEvent::BrandVettingRecorded { billed, .. } = event else {
                panic!("not a vetting: {event:?}");
            };
            assert_eq!(billed, !imported, "imported {imported}");
        }
    }

    #[test]
    fn it_should_leave_current_shapes_alone() {
        assert!(!applies("BrandVettingRecorded", "1.1"));
        assert!(!applies("BrandSubmittedToTcr", "1.0"));
        let current =
            json!({"BrandVettingRecorded": {"vetting": {}, "imported": true, "billed": true}});
        let (payload, version) = upcast("BrandVettingRecorded", "1.1", current.clone());
        assert_eq!((payload, version.as_str()), (current, "1.1"));
    }

    #[test]
    fn it_should_fail_to_read_a_1_0_vetting_without_the_upcaster() {
        let raw: Result<BrandEvent, _> = serde_json::from_value(old_vetting(false));
        assert!(
            raw.is_err(),
            "the shape really changed: `billed` is required"
        );
    }
}
