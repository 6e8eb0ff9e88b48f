//! Registering a customer.

use super::*;

#[test]
fn it_should_register_a_new_customer() {
    CustomerTest::with(())
        .given_no_previous_events()
        .when(register())
        .then_expect_events(vec![registered()]);
}

#[test]
fn it_should_refuse_to_register_a_customer_twice() {
    CustomerTest::with(())
        .given(vec![registered()])
        .when(register())
        .then_expect_error(CustomerError::AlreadyExists);
}
