//! The customer id a BAN maps to.

use super::*;

#[test]
fn it_should_give_the_same_ban_the_same_customer_id() {
    assert_eq!(
        customer_id_for_ban(&ban("BAN-0001")),
        customer_id_for_ban(&ban(" BAN-0001 ")),
        "a BAN should always map to the same customer"
    );
}

#[test]
fn it_should_give_different_bans_different_customer_ids() {
    assert_ne!(
        customer_id_for_ban(&ban("BAN-0001")),
        customer_id_for_ban(&ban("BAN-0002"))
    );
}

#[test]
fn it_should_derive_a_name_based_uuid_from_the_ban() {
    let id = customer_id_for_ban(&ban("BAN-0001"));
    assert_eq!(
        id.as_uuid().get_version_num(),
        5,
        "expected a v5 (name-based) UUID, got {id}"
    );
}
