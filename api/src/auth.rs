//! Bearer JWTs, roles, tenant scoping and the permission table.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app::AppState;
use crate::error::ApiError;

/// Who a token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Role {
    /// The operator's staff: every customer, acting for one through `X-Customer-ID`.
    Superadmin,
    /// A customer's administrator: reads and submits for their own customer.
    CustomerAdmin,
    /// A customer's user: reads their own customer's registrations.
    CustomerUser,
}

/// What a route does, for the permission table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ManageCustomers,
    ReadCustomer,
    ReadRegistrations,
    SubmitRegistrations,
    ReadReference,
}

/// The single table of which role may do what.
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Superadmin => true,
        Role::CustomerAdmin => matches!(
            action,
            ReadCustomer | ReadRegistrations | SubmitRegistrations | ReadReference
        ),
        Role::CustomerUser => matches!(action, ReadCustomer | ReadRegistrations | ReadReference),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<Uuid>,
    pub exp: u64,
}

/// Signs and checks tokens. `Debug` shows no key material.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(HS256, redacted)")
    }
}

/// Tolerated clock difference between token issuer and tendlc.
const LEEWAY_SECONDS: u64 = 30;

impl TokenKeys {
    pub fn hs256(secret: &SecretString) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
        }
    }

    pub fn mint(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                ApiError::unauthorized(match e.kind() {
                    ErrorKind::ExpiredSignature => "the bearer token has expired",
                    ErrorKind::InvalidSignature => "the bearer token's signature is not valid",
                    ErrorKind::InvalidAlgorithm => "the bearer token must be signed with HS256",
                    ErrorKind::MissingRequiredClaim(_) => {
                        "the bearer token lacks a required claim (sub, exp)"
                    }
                    _ => "the bearer token is not valid",
                })
            })?;
        let claims = data.claims;
        match (claims.role, claims.customer_id) {
            (Role::Superadmin, Some(_)) => Err(ApiError::unauthorized(
                "a superadmin token must not carry customer_id",
            )),
            (Role::CustomerAdmin | Role::CustomerUser, None) => Err(ApiError::unauthorized(
                "a customer token must carry customer_id",
            )),
            _ => Ok(claims),
        }
    }
}

/// The authenticated caller of a `/v1` route, with the customer they act for.
#[derive(Debug, Clone)]
pub struct Caller {
    pub subject: String,
    pub role: Role,
    /// Own customer for customer roles; the `X-Customer-ID` customer for a super admin, if sent.
    pub customer: Option<Uuid>,
}

pub const CUSTOMER_HEADER: &str = "x-customer-id";

impl Caller {
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if allowed(self.role, action) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "the {} role may not do this",
                serde_json::to_value(self.role)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            )))
        }
    }

    /// The customer this request acts for; a super admin must name one.
    pub fn acting_customer(&self) -> Result<Uuid, ApiError> {
        self.customer.ok_or_else(|| {
            ApiError::bad_request(
                "customer_required",
                "a super admin must name the customer to act for in the X-Customer-ID header",
            )
        })
    }

    /// Restriction for reads: `None` lets a super admin without `X-Customer-ID` see every customer.
    pub fn read_scope(&self) -> Option<Uuid> {
        self.customer
    }

    /// The actor recorded in event metadata.
    pub fn actor(&self) -> String {
        format!("user:{}", self.subject)
    }
}

/// Handlers receive the caller the access layer authenticated (see `routes::enforce_access`).
impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            ApiError::internal(
                "access",
                "a handler asked for a caller on a route without a role entry",
            )
        })
    }
}

impl Caller {
    /// Reads and verifies the bearer token, and resolves the customer acted for.
    pub fn authenticate(parts: &Parts, state: &AppState) -> Result<Caller, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| {
                ApiError::unauthorized("send a bearer token in the Authorization header")
            })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be 'Bearer <token>'")
            })?;
        let claims = state.tokens.verify(token.trim())?;
        let customer = match claims.role {
            Role::Superadmin => match parts.headers.get(CUSTOMER_HEADER) {
                None => None,
                Some(value) => Some(
                    value
                        .to_str()
                        .ok()
                        .and_then(|v| Uuid::parse_str(v.trim()).ok())
                        .ok_or_else(|| {
                            ApiError::bad_request(
                                "invalid_customer_header",
                                "X-Customer-ID must be a customer id (UUID)",
                            )
                        })?,
                ),
            },
            // For everyone else the header is ignored: their own customer is used.
            Role::CustomerAdmin | Role::CustomerUser => claims.customer_id,
        };
        Ok(Caller {
            subject: claims.sub,
            role: claims.role,
            customer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_let_only_super_admins_manage_customers() {
        assert!(allowed(Role::Superadmin, Action::ManageCustomers));
        assert!(!allowed(Role::CustomerAdmin, Action::ManageCustomers));
        assert!(!allowed(Role::CustomerUser, Action::ManageCustomers));
    }

    #[test]
    fn it_should_let_customer_users_read_but_not_submit() {
        assert!(allowed(Role::CustomerUser, Action::ReadRegistrations));
        assert!(!allowed(Role::CustomerUser, Action::SubmitRegistrations));
        assert!(allowed(Role::CustomerAdmin, Action::SubmitRegistrations));
    }

    fn keys() -> TokenKeys {
        TokenKeys::hs256(&SecretString::from("x".repeat(40)))
    }

    fn in_an_hour() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3600
    }

    #[test]
    fn it_should_accept_a_token_it_minted() {
        let claims = Claims {
            sub: "u1".into(),
            role: Role::CustomerAdmin,
            customer_id: Some(Uuid::new_v4()),
            exp: in_an_hour(),
        };
        let token = keys().mint(&claims).unwrap();
        let verified = keys().verify(&token).expect("own token must verify");
        assert_eq!(verified.customer_id, claims.customer_id);
    }

    #[test]
    fn it_should_refuse_an_expired_token() {
        let claims = Claims {
            sub: "u1".into(),
            role: Role::Superadmin,
            customer_id: None,
            exp: 1_000,
        };
        let token = keys().mint(&claims).unwrap();
        let error = keys()
            .verify(&token)
            .expect_err("expired token must be refused");
        assert_eq!(error.body.message, "the bearer token has expired");
    }

    #[test]
    fn it_should_refuse_a_token_signed_with_another_secret() {
        let other = TokenKeys::hs256(&SecretString::from("y".repeat(40)));
        let claims = Claims {
            sub: "u1".into(),
            role: Role::Superadmin,
            customer_id: None,
            exp: in_an_hour(),
        };
        let token = other.mint(&claims).unwrap();
        assert!(keys().verify(&token).is_err());
    }

    #[test]
    fn it_should_refuse_a_customer_token_without_a_customer() {
        let claims = Claims {
            sub: "u1".into(),
            role: Role::CustomerUser,
            customer_id: None,
            exp: in_an_hour(),
        };
        let token = keys().mint(&claims).unwrap();
        assert!(keys().verify(&token).is_err());
    }
}
