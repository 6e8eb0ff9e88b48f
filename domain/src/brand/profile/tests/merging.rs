//! Merging a patch into a draft, a profile back to a draft, and changed fields.

use super::*;

#[test]
fn it_should_replace_only_the_fields_a_patch_sets() {
    // given
    let current = private_profit();
    let patch = BrandDraft {
        display_name: s("Acme Blooms"),
        website: s("https://acmeblooms.com"),
        mock: Some(true),
        ..BrandDraft::default()
    };
    // when
    let merged = current.merged_with(&patch);
    // then
    assert_eq!(
        merged,
        BrandDraft {
            display_name: s("Acme Blooms"),
            website: s("https://acmeblooms.com"),
            mock: Some(true),
            ..private_profit()
        }
    );
}

#[test]
fn it_should_keep_everything_when_merging_an_empty_patch() {
    // given
    let current = public_profit();
    // when
    let merged = current.merged_with(&BrandDraft::default());
    // then
    assert_eq!(merged, current);
}

#[test]
fn it_should_turn_a_profile_back_into_a_draft_that_parses_to_the_same_profile() {
    for (entity, draft) in every_entity_type() {
        // given
        let draft = BrandDraft {
            mock: Some(true),
            alt_business_id: s("123456789"),
            alt_business_id_type: s("DUNS"),
            ..draft
        };
        let profile = parsed(&draft);
        // when
        let again = BrandProfile::parse(&profile.to_draft());
        // then
        assert_eq!(
            again.as_ref(),
            Ok(&profile),
            "{entity} did not survive a round trip"
        );
    }
}

#[test]
fn it_should_update_a_profile_by_merging_a_patch_into_its_draft() {
    // given
    let profile = parsed(&private_profit());
    let patch = BrandDraft {
        state: s("ca"),
        city: s("Los Angeles"),
        postal_code: s("90001"),
        ..BrandDraft::default()
    };
    // when
    let updated = parsed(&profile.to_draft().merged_with(&patch));
    // then
    assert_eq!(updated.state, "CA");
    assert_eq!(updated.ein, profile.ein);
    assert_eq!(
        profile.changed_fields(&updated),
        vec!["city", "state", "postalCode"]
    );
}

#[test]
fn it_should_report_no_changed_fields_for_an_identical_profile() {
    // given
    let profile = parsed(&public_profit());
    // when
    let changed = profile.changed_fields(&profile.clone());
    // then
    assert!(changed.is_empty(), "{changed:?}");
}

#[test]
fn it_should_not_see_a_change_when_the_default_issuing_country_is_made_explicit() {
    // given
    let implicit = parsed(&private_profit());
    let explicit = parsed(&BrandDraft {
        ein_issuing_country: s("US"),
        ein: s("12-3456789"),
        ..private_profit()
    });
    // when
    let changed = implicit.changed_fields(&explicit);
    // then
    assert!(changed.is_empty(), "{changed:?}");
}
