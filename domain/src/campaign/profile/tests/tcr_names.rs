//! The profile in TCR's field names, as JSON and as TCR's request.

use super::*;

#[test]
fn it_should_round_trip_through_tcr_s_field_names() {
    let profile = CampaignProfile::parse(&valid(), &[]).unwrap();
    let again = CampaignProfile::parse(&Value::Object(profile.to_json()), &[]).unwrap();
    assert_eq!(profile, again);
    let request = profile.to_tcr_request(&"BXYZ123".into(), "tendlc-1");
    let wire = serde_json::to_value(&request).unwrap();
    assert_eq!(wire["brandId"], "BXYZ123");
    assert_eq!(wire["sample2"], profile.samples[1]);
    assert_eq!(wire["subscriberOptin"], true);
    assert_eq!(wire["mnoIds"].as_array().unwrap().len(), 6);
}
