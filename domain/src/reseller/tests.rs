use super::*;
use crate::values::{Email, E164};

fn details(name: &str) -> ResellerDetails {
    ResellerDetails {
        company_name: name.into(),
        phone: E164::parse("+18348365467").unwrap(),
        email: Email::parse("ops@reseller.example").unwrap(),
    }
}

fn given(events: Vec<ResellerEvent>) -> Reseller {
    let mut state = Reseller::default();
    for event in events {
        state.evolve(event);
    }
    state
}

fn requested() -> ResellerEvent {
    ResellerEvent::ResellerRegistrationRequested {
        reseller_id: ResellerId::new(),
        customer_id: CustomerId::new(),
        details: details("Acme Resale"),
    }
}

fn registered() -> ResellerEvent {
    ResellerEvent::ResellerRegisteredWithTcr {
        tcr_reseller_id: TcrResellerId::from_tcr("R1A2B3C"),
        adopted: false,
    }
}

#[test]
fn it_should_not_accept_a_second_action_while_tcr_has_not_answered_the_first() {
    let state = given(vec![requested()]);
    assert_eq!(
        state.decide(ResellerCommand::Update {
            details: details("Other")
        }),
        Err(ResellerError::ActionPending("registration"))
    );
}

#[test]
fn it_should_record_nothing_for_an_update_that_changes_nothing() {
    let state = given(vec![requested(), registered()]);
    assert_eq!(
        state.decide(ResellerCommand::Update {
            details: details("Acme Resale")
        }),
        Ok(vec![])
    );
}

#[test]
fn it_should_try_a_refused_registration_again_on_update() {
    let failure = ResellerFailure {
        kind: "rejected".into(),
        message: "duplicate".into(),
        tcr_errors: vec![],
        retryable: false,
    };
    let mut state = given(vec![
        requested(),
        ResellerEvent::ResellerTcrCallFailed {
            action: ResellerAction::Register,
            failure,
        },
    ]);
    assert_eq!(state.status, ResellerStatus::Failed);
    let events = state
        .decide(ResellerCommand::Update {
            details: details("Acme Resale"),
        })
        .unwrap();
    for event in events {
        state.evolve(event);
    }
    assert_eq!(state.pending, Some(ResellerAction::Register));
}

#[test]
fn it_should_delete_a_reseller_tcr_never_held_without_calling_tcr() {
    let state = given(vec![
        requested(),
        ResellerEvent::ResellerTcrCallFailed {
            action: ResellerAction::Register,
            failure: ResellerFailure {
                kind: "rejected".into(),
                message: "no".into(),
                tcr_errors: vec![],
                retryable: false,
            },
        },
    ]);
    assert_eq!(
        state.decide(ResellerCommand::Delete),
        Ok(vec![ResellerEvent::ResellerDeleted])
    );
    let held = given(vec![requested(), registered()]);
    assert_eq!(
        held.decide(ResellerCommand::Delete),
        Ok(vec![ResellerEvent::ResellerDeletionRequested])
    );
}

#[test]
fn it_should_refuse_any_change_to_a_deleted_reseller_and_take_its_deletion_again_as_done() {
    let state = given(vec![
        requested(),
        registered(),
        ResellerEvent::ResellerDeleted,
    ]);
    assert_eq!(state.decide(ResellerCommand::Delete), Ok(vec![]));
    assert!(matches!(
        state.decide(ResellerCommand::Update {
            details: state.details.clone().unwrap()
        }),
        Err(ResellerError::Deleted)
    ));
}
