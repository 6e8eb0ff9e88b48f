//! Bearer JWTs, roles, tenant scoping and the permission table.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tendlc_domain::ids::CustomerId;
use uuid::Uuid;

use crate::application::CommandContext;
use crate::http::error::ApiError;
use crate::http::extract::ClientRequestId;
use crate::http::state::AppState;

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
    /// See how the service itself is doing (projections, their failures): operators only.
    Operate,
    /// Set which notification mails a customer gets, and to which brand contacts.
    ManageNotifications,
    /// Act as the upstream connectivity partner for campaigns other CSPs shared with the
    /// operator's TCR account (see, accept, decline them): the operator's business, operators
    /// only.
    PartnerCampaigns,
    /// Change the operator's own TCR account settings (CNP migration): operators only.
    ManageTcrAccount,
}

/// The single table of which role may do what.
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Superadmin => true,
        Role::CustomerAdmin => matches!(
            action,
            ReadCustomer
                | ReadRegistrations
                | SubmitRegistrations
                | ReadReference
                | ManageNotifications
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

impl Claims {
    pub fn new(sub: impl Into<String>, role: Role, customer_id: Option<Uuid>, exp: u64) -> Self {
        Self {
            sub: sub.into(),
            role,
            customer_id,
            exp,
            nbf: None,
            iss: None,
            aud: None,
        }
    }
}

/// Signs (HS256, for local tokens) and checks bearer tokens: HS256 with the shared secret and/or
/// RS256 with a public key or a JWKS. The algorithm must be one a key is configured for, so
/// `alg: none` and algorithm confusion (an HS256 token "signed" with the RSA public key) are
/// refused. `Debug` shows no key material.
#[derive(Clone, Default)]
pub struct TokenKeys {
    hs256: Option<(EncodingKey, DecodingKey)>,
    /// RS256 keys, with their JWKS `kid` when they came from a JWKS.
    rs256: Vec<(Option<String>, DecodingKey)>,
    issuer: Option<String>,
    audience: Option<String>,
    leeway: u64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("hs256", &self.hs256.is_some())
            .field("rs256_keys", &self.rs256.len())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway", &self.leeway)
            .finish()
    }
}

/// Tolerated clock difference between token issuer and tendlc, by default and at most.
pub const DEFAULT_LEEWAY_SECONDS: u64 = 30;
pub const MAX_LEEWAY_SECONDS: u64 = 300;

#[derive(Debug, serde::Deserialize)]
struct Jwks {
    keys: Vec<jsonwebtoken::jwk::Jwk>,
}

impl TokenKeys {
    pub fn hs256(secret: &SecretString) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        Self {
            hs256: Some((
                EncodingKey::from_secret(bytes),
                DecodingKey::from_secret(bytes),
            )),
            leeway: DEFAULT_LEEWAY_SECONDS,
            ..Self::default()
        }
    }

    /// No keys yet (add RS256 keys with the builders below).
    pub fn none() -> Self {
        Self {
            leeway: DEFAULT_LEEWAY_SECONDS,
            ..Self::default()
        }
    }

    /// Accepts RS256 tokens signed by the key whose public half is this PEM.
    pub fn with_rsa_public_pem(mut self, pem: &[u8]) -> Result<Self, String> {
        let key = DecodingKey::from_rsa_pem(pem)
            .map_err(|e| format!("not an RSA public key in PEM form: {e}"))?;
        self.rs256.push((None, key));
        Ok(self)
    }

    /// Accepts RS256 tokens signed by any RSA key of this JWKS (chosen by `kid`).
    pub fn with_jwks(mut self, jwks: &str) -> Result<Self, String> {
        let set: Jwks =
            serde_json::from_str(jwks).map_err(|e| format!("not a JWKS document: {e}"))?;
        for jwk in set.keys {
            if let jsonwebtoken::jwk::AlgorithmParameters::RSA(_) = jwk.algorithm {
                let key = DecodingKey::from_jwk(&jwk).map_err(|e| format!("unusable JWK: {e}"))?;
                self.rs256.push((jwk.common.key_id.clone(), key));
            }
        }
        if self.rs256.is_empty() {
            return Err("the JWKS holds no RSA key".into());
        }
        Ok(self)
    }

    pub fn with_issuer(mut self, issuer: Option<String>) -> Self {
        self.issuer = issuer;
        self
    }

    pub fn with_audience(mut self, audience: Option<String>) -> Self {
        self.audience = audience;
        self
    }

    pub fn with_leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds.min(MAX_LEEWAY_SECONDS);
        self
    }

    /// Whether any key is configured.
    pub fn is_empty(&self) -> bool {
        self.hs256.is_none() && self.rs256.is_empty()
    }

    /// Mints an HS256 token (local use), with the configured issuer and audience.
    pub fn mint(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        let Some((encoding, _)) = &self.hs256 else {
            return Err(jsonwebtoken::errors::ErrorKind::InvalidKeyFormat.into());
        };
        let mut claims = claims.clone();
        claims.iss = claims.iss.or_else(|| self.issuer.clone());
        claims.aud = claims.aud.or_else(|| self.audience.clone());
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, encoding)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| ApiError::unauthorized("the bearer token is not a JWT"))?;
        let key = match header.alg {
            Algorithm::HS256 => self.hs256.as_ref().map(|(_, decoding)| decoding),
            Algorithm::RS256 => match &header.kid {
                Some(kid) => self
                    .rs256
                    .iter()
                    .find(|(id, _)| id.as_deref() == Some(kid.as_str()))
                    .or_else(|| self.rs256.iter().find(|(id, _)| id.is_none()))
                    .map(|(_, key)| key),
                None => self.rs256.first().map(|(_, key)| key),
            },
            _ => None,
        }
        .ok_or_else(|| {
            ApiError::unauthorized(format!(
                "bearer tokens signed with {:?} are not accepted here",
                header.alg
            ))
        })?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        if let Some(issuer) = &self.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        let data = jsonwebtoken::decode::<Claims>(token, key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            ApiError::unauthorized(match e.kind() {
                ErrorKind::ExpiredSignature => "the bearer token has expired",
                ErrorKind::ImmatureSignature => "the bearer token is not valid yet (nbf)",
                ErrorKind::InvalidSignature => "the bearer token's signature is not valid",
                ErrorKind::InvalidAlgorithm => "the bearer token's algorithm is not accepted",
                ErrorKind::InvalidIssuer => "the bearer token has the wrong issuer",
                ErrorKind::InvalidAudience => "the bearer token has the wrong audience",
                ErrorKind::MissingRequiredClaim(_) => "the bearer token lacks a required claim (sub, exp, and iss/aud when configured)",
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
    pub customer: Option<CustomerId>,
    /// The caller's own id for this request (its `X-Request-ID`), recorded beside ours.
    pub client_request_id: Option<String>,
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
    pub fn acting_customer(&self) -> Result<CustomerId, ApiError> {
        self.customer.ok_or_else(|| {
            ApiError::bad_request(
                "customer_required",
                "a super admin must name the customer to act for in the X-Customer-ID header",
            )
        })
    }

    /// Restriction for reads (read-model rows are keyed by UUID): `None` lets a super admin
    /// without `X-Customer-ID` see every customer.
    pub fn read_scope(&self) -> Option<Uuid> {
        self.customer.map(Uuid::from)
    }

    /// The actor recorded in event metadata.
    pub fn actor(&self) -> String {
        format!("user:{}", self.subject)
    }

    /// This caller as the origin of commands in the request the server named `request_id`.
    pub fn origin(&self, request_id: String) -> CommandContext {
        CommandContext::api(self.actor(), request_id)
            .with_client_request_id(self.client_request_id.clone())
    }

    /// This caller as the origin of commands, acting for `customer_id`.
    pub fn context(&self, customer_id: CustomerId, request_id: String) -> CommandContext {
        self.origin(request_id).for_customer(customer_id)
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
                        .and_then(|v| v.trim().parse::<CustomerId>().ok())
                        .ok_or_else(|| {
                            ApiError::bad_request(
                                "invalid_customer_header",
                                "X-Customer-ID must be a customer id (UUID)",
                            )
                        })?,
                ),
            },
            // For everyone else the header is ignored: their own customer is used.
            Role::CustomerAdmin | Role::CustomerUser => claims.customer_id.map(CustomerId::from),
        };
        Ok(Caller {
            subject: claims.sub,
            role: claims.role,
            customer,
            client_request_id: parts
                .extensions
                .get::<ClientRequestId>()
                .map(|id| id.0.clone()),
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
    fn it_should_let_only_super_admins_see_operations() {
        assert!(allowed(Role::Superadmin, Action::Operate));
        assert!(!allowed(Role::CustomerAdmin, Action::Operate));
        assert!(!allowed(Role::CustomerUser, Action::Operate));
    }

    #[test]
    fn it_should_let_only_super_admins_manage_the_tcr_account() {
        assert!(allowed(Role::Superadmin, Action::ManageTcrAccount));
        assert!(!allowed(Role::CustomerAdmin, Action::ManageTcrAccount));
        assert!(!allowed(Role::CustomerUser, Action::ManageTcrAccount));
    }

    #[test]
    fn it_should_let_customer_users_read_but_not_submit() {
        assert!(allowed(Role::CustomerUser, Action::ReadRegistrations));
        assert!(!allowed(Role::CustomerUser, Action::SubmitRegistrations));
        assert!(allowed(Role::CustomerAdmin, Action::SubmitRegistrations));
        assert!(allowed(Role::CustomerAdmin, Action::ManageNotifications));
        assert!(!allowed(Role::CustomerUser, Action::ManageNotifications));
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
        let claims = Claims::new(
            "u1",
            Role::CustomerAdmin,
            Some(Uuid::new_v4()),
            in_an_hour(),
        );
        let token = keys().mint(&claims).unwrap();
        let verified = keys().verify(&token).expect("own token must verify");
        assert_eq!(verified.customer_id, claims.customer_id);
    }

    #[test]
    fn it_should_refuse_an_expired_token() {
        let claims = Claims::new("u1", Role::Superadmin, None, 1_000);
        let token = keys().mint(&claims).unwrap();
        let error = keys()
            .verify(&token)
            .expect_err("expired token must be refused");
        assert_eq!(error.body.message, "the bearer token has expired");
    }

    #[test]
    fn it_should_refuse_a_token_signed_with_another_secret() {
        let other = TokenKeys::hs256(&SecretString::from("y".repeat(40)));
        let claims = Claims::new("u1", Role::Superadmin, None, in_an_hour());
        let token = other.mint(&claims).unwrap();
        assert!(keys().verify(&token).is_err());
    }

    #[test]
    fn it_should_refuse_a_customer_token_without_a_customer() {
        let claims = Claims::new("u1", Role::CustomerUser, None, in_an_hour());
        let token = keys().mint(&claims).unwrap();
        assert!(keys().verify(&token).is_err());
    }
}
