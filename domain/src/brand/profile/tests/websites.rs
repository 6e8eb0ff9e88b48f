//! Web addresses.

use super::*;

#[test]
fn it_should_accept_web_addresses_with_http_or_https() {
    for website in [
        "https://www.acme.com",
        "http://acme.com",
        "HTTPS://Acme.com:8443/shop?x=1#top",
        "https://shop.acme.co.uk/",
    ] {
        // given
        let draft = BrandDraft {
            website: s(website),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.website.as_deref(), Some(website));
    }
}

#[test]
fn it_should_refuse_web_addresses_without_scheme_or_host() {
    for website in [
        "www.acme.com",
        "ftp://acme.com",
        "https://",
        "https://localhost",
        "https://acme.com:http",
        "https:/acme.com",
        "https://user@acme.com",
    ] {
        // given
        let draft = BrandDraft {
            website: s(website),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "website", "http:// or https://");
    }
}

#[test]
fn it_should_refuse_a_web_address_with_spaces() {
    // given
    let draft = BrandDraft {
        website: s("https://acme .com"),
        ..private_profit()
    };
    // when / then
    assert_refused_only_for(&draft, "website", "must not contain spaces");
}
