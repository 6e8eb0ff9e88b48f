//! A stand-in for The Campaign Registry's CSP API v2, served over real HTTP under `/v2`.
//!
//! It models TCR from TCR's own documentation (`shared/tcr-api.md`, `shared/tcr/tcr-openapi.json`),
//! not from tendlc's rules: brands, their external vetting, feedback, appeals and sole-proprietor
//! OTP, campaign qualification, campaigns with their per-carrier review and sharing, the
//! enumerations those need, webhooks and `GET /version`. Every route needs HTTP Basic auth
//! (key:secret, else `401` without body) and counts against TCR's published rate limits (`429`).
//! Business errors are `400` with TCR's `[{code, description, fields}]` array, one entry per
//! problem. JSON answers leave absent optional properties out rather than sending `null` (the
//! document's schemas are not nullable).
//!
//! # Brands
//!
//! `POST /brand/nonBlocking`, `GET /brand`, `GET`/`PUT`/`DELETE /brand/{brandId}`. A new brand
//! answers `identityStatus` `UNVERIFIED` (`SELF_DECLARED` for sole proprietors) and is scored
//! `scoring_delay` later: `VERIFIED` (`VETTED_VERIFIED` if it holds an ACTIVE STANDARD or
//! ENHANCED vet), while sole proprietors stay `SELF_DECLARED` until their OTP. While scoring, the
//! brand is "PENDING": campaign calls, revets and appeals answer `527`, feedback `535`.
//! `DELETE` is refused with `542` while the brand has campaigns that are not expired.
//! `PUT /brand/{brandId}/revet` scores the brand again and answers `202` with the brand (its
//! identity unchanged until the verdict), refused while scoring (`527`) and when no field changed
//! since the last scoring (`525`).
//!
//! Where TCR's documentation is silent the simulator chooses, and says so here:
//! `PUT /brand/{brandId}` changes only the fields the body carries (`null` or `""` clears one);
//! changing `entityType`, `companyName`, `ein`, `einIssuingCountry` or `mobilePhone` drops the
//! brand to `UNVERIFIED` and scores it again; the first four are locked (`537`) while the brand
//! has campaigns not yet expired or a vet that is PENDING, UNSCORE or ACTIVE; a new `mobilePhone`
//! needs a new OTP; `brandRelationship` may change once per 90 days; a sole proprietor sent
//! without `brandRelationship` is stored as `BASIC_ACCOUNT`, because `Brand_CSP` requires the
//! field.
//!
//! ## External vetting
//!
//! `POST /brand/{brandId}/externalVetting` orders a vet (`{evpId, vettingClass,
//! additionalRequestPayload}`; class STANDARD when left out) and answers `ExternalVetting`
//! `PENDING` with a fresh `vettingId` (Aegis also hands out a `vettingToken`). One
//! `vetting_delay` later it is `UNSCORE` (`EVP_REPORT_UNSCORE`), one more later `ACTIVE` with
//! `vettingScore` 85 or `[sim:vet-score-NN]` (`EVP_REPORT_SCORE`), or `FAILED` with `reasons`
//! under `[sim:vet-fail]` (`EVP_REPORT_FAIL`); POLITICAL vets carry no score. An ACTIVE
//! STANDARD or ENHANCED vet makes the brand `VETTED_VERIFIED` (`BRAND_IDENTITY_STATUS_UPDATE`)
//! and sets its carrier terms (see Qualification). `validUntil` and `expirationDate` are the
//! class's `validityMonths` after vetting. Providers (`GET /enum/extVettingProvider`): `AEGIS`
//! (STANDARD, ENHANCED, POLITICAL), `WMC` (STANDARD, US PRIVATE_PROFIT and PUBLIC_PROFIT brands
//! only), `CV` (POLITICAL, import only). Refused: an unknown provider or class, a class the
//! provider does not offer, a CV order, WMC for other brands, POLITICAL without a JSON-object
//! `additionalRequestPayload`, a brand without `website` or `email` (all `501`), RBM (`568`), a
//! sole proprietor (`592`), the same provider and class again while one is under way or within
//! 30 days of its completion (`549`).
//!
//! `PUT /brand/{brandId}/externalVetting` imports a vet (`{evpId, vettingId, vettingToken}`),
//! `ACTIVE` at once with `EVP_REPORT_IMPORT`. Which reports exist: a `vettingId` or
//! `vettingToken` containing `invalid` is not found (`520`), one containing `expired` has
//! expired (`508`), any other is found. Aegis needs `vettingToken` (`501`); an Aegis report
//! whose id or token contains `enhanced` or `political` is of that class, else STANDARD; WMC
//! reports are STANDARD and must match a US company (`538`); CV reports are POLITICAL, for US
//! NON_PROFIT or SOLE_PROPRIETOR brands (`541`) without active campaigns (`540`). A report
//! already on another brand is `543` (on this brand, `525`). Scores as for orders.
//!
//! `GET /brand/{brandId}/externalVetting?vettingStatus=...` (required, repeated or
//! comma-separated; optional `evpId`, `vettingClass`) lists them.
//!
//! ## Feedback and appeals
//!
//! `GET /brand/feedback/{brandId}` answers `BrandFeedback` `{brandId, category}` (the schema's
//! key; the document's example says `brandUid`): for an UNVERIFIED brand the `TAX_ID` category
//! with error `TFTI04`, otherwise none.
//!
//! `POST /brand/{brandId}/appeal` (`{appealCategories, attachmentUuids, explanation}`,
//! categories of `GET /enum/brandAppealCategory`) answers `204` as the document says (no body),
//! sends `BRAND_APPEAL_ADD`, and lists the appeal `PENDING` in `GET /brand/{brandId}/appeal`
//! (`?appealStatus=` filters). One `appeal_delay` later it is `COMPLETE`, `BRAND_APPEAL_COMPLETE`
//! is sent, and its `appealOutcome.vetStatus` is `VERIFIED`: the brand becomes `VERIFIED` (or
//! `VETTED_VERIFIED` with an identity vet) with `BRAND_IDENTITY_STATUS_UPDATE`. Under
//! `[sim:appeal-reject]` it is `UNVERIFIED` with the `TAX_ID` feedback and the brand stays as
//! it is. Refused: no category or an explanation over 1024 characters (`501`), an unknown
//! category (`559`), a brand not UNVERIFIED or with an appeal PENDING (`592`), while scoring
//! (`527`). `attachmentUuids` are taken as given.
//!
//! ## Files, vet appeals and vetting reports
//!
//! `POST /brand/{brandId}/appeal/evidence`, `/campaign/{campaignId}/mms` and
//! `/campaign/{campaignId}/supportingDocument` take one multipart `file` part and answer
//! `{uuid, fileName, mimeType}` with uuid `<recordId>/VA|MMS|SUPPORT_DOC/<32 characters>`; the
//! `GET`s list them. Refused: an extension the document does not list for the destination
//! (`546`), over 10 MB or over 20 files per record (`544`), no `file` part (`501`), an unknown
//! record (`502`). `GET /attachment/{attachmentId}` serves a file's bytes (its uuid whole, slashes
//! and all) and `DELETE` removes it (`204`); an unknown id is `502`.
//! `POST /brand/{brandId}/externalVetting/appeal` (`{evpId, vettingId, appealCategories,
//! attachmentUuids?, explanation?}`) needs a completed vet of the brand (`502`, `592` while
//! PENDING or with an appeal PENDING), TCR's categories (`559`) and evidence files of that brand
//! (`501`); it answers `204`, is listed `PENDING` by the `GET` (`?evpId=&vettingId=&appealStatus=`)
//! and one `appeal_delay` later `COMPLETE`, the vet `ACTIVE` with a score of at least 75
//! (`EVP_REPORT_UPDATE` is sent for the vet).
//! `GET /brand/{brandId}/externalVetting/enhancedVettingReport` lists a report (`.../EVR/...`,
//! `application/octet-stream`) for each completed ENHANCED vet, downloadable like any file.
//!
//! ## Sole-proprietor OTP
//!
//! `POST /brand/{brandId}/smsOtp` (`{pinSms, successSms}`; `pinSms` must contain `@OTP_PIN@` or
//! `@OTP_YES@`, else `501`) answers `{brandId, referenceId}` (`OTP` + 7 characters) and replaces
//! any earlier PIN. A mock brand gets no SMS: its PIN comes in a `BRAND_MOCK_OTP` webhook as
//! `otpPin`, and it is always [`MOCK_PIN`] `123456`. Other brands get a random 6-digit PIN (read
//! it with [`SimHandle::otp_pin`]). `@OTP_YES@` behaves like `@OTP_PIN@` (no handset can reply
//! YES). `PUT /brand/{brandId}/smsOtp` (`{otpPin}`) answers `204`, makes the brand `VERIFIED`
//! with `mobilePhoneVerifiedDate`, and sends `BRAND_OTP_VERIFIED` then
//! `BRAND_IDENTITY_STATUS_UPDATE`; an unknown, wrong or 24-hour-old PIN is `552`, a sixth try
//! after five wrong PINs `557`. Both refuse brands that are not sole proprietors (`592`) or
//! already VERIFIED (`506`). `GET /brand/smsOtp/{referenceId}` answers `SmsOtpStatus`, with
//! `verifyDate` once verified and `deliveryStatus` `DELIVERED_HANDSET` (none for mock brands,
//! whose PIN went by webhook).
//!
//! # Qualification
//!
//! `GET /campaignBuilder/brand/{brandId}/usecase/{usecase}` answers `UsecaseMetadata`; `GET
//! /campaignBuilder/brand/{brandId}` an array of it for every use case the brand may run.
//! Refused: an unknown use case (`501` on `usecase`), an unknown or deleted brand (`502`), a brand
//! being scored (`527`), an UNVERIFIED brand, a SELF_DECLARED brand for anything but
//! SOLE_PROPRIETOR, SOLE_PROPRIETOR for other brands and other use cases for sole proprietors
//! (`509`).
//!
//! Fees (`shared/tcr-api.md` §8, monthly; `quarterlyFee` 3×, `annualFee` 12×): $10 for standard
//! use cases, MARKETING, MIXED and the special ones not listed here; LOW_VOLUME $1.50 (§8's two
//! sources disagree; Bandwidth's figure); SOLE_PROPRIETOR $2; CHARITY $3; EMERGENCY $5;
//! AGENTS_FRANCHISES $30; TRIAL $0. `greyoutFields` is empty.
//!
//! Carrier terms (`mnoMetadata`, one `Metadata` per MNO: 10017 AT&T, 10035 T-Mobile, 10037 US
//! Cellular, 10038 Verizon Wireless, 10631 ClearSky, 10901 Interop). Throughput follows the
//! brand: sole proprietors have their own row, other brands go by their best ACTIVE STANDARD or
//! ENHANCED `vettingScore` (none counts as below 25). Values are illustrative (§8 "Throughput
//! context"):
//!
//! | brand | AT&T `msgClass` (dedicated / MIXED, LOW_VOLUME) | `tpm` | `mmsTpm` | T-Mobile `brandTier` | `brandDailyCap` |
//! |---|---|---|---|---|---|
//! | sole proprietor | S / S | 15 | 50 | LOW | 1 000 |
//! | verified, unvetted or score 0–24 | T / T | 75 | 50 | LOW | 2 000 |
//! | score 25–49 | E / F | 240 | 150 | LOWER_MID | 10 000 |
//! | score 50–74 | C / D | 2 400 | 1 200 | UPPER_MID | 40 000 |
//! | score 75–100 | A / B | 4 500 | 2 400 | TOP | 200 000 |
//!
//! AT&T's `tpmScope` is `CAMPAIGN`. No brand is `UNCAPPED`. For every carrier `mnoSupport` is
//! true and `noEmbeddedLink`/`noEmbeddedPhone` false; `mnoReview` is true for SPECIAL use cases
//! on AT&T, T-Mobile and Verizon; `qualify` is false for POLITICAL without an ACTIVE POLITICAL
//! vet and for TRIAL (the simulator has no platform-free-trial brands). AT&T and T-Mobile
//! require `subscriberOptin` and `subscriberHelp` for every use case, and for MARKETING, MIXED
//! and LOW_VOLUME also `subscriberOptout` and 2 message samples (`minMsgSamples`); every other
//! case needs 1 sample and mandates nothing.
//!
//! # Campaigns
//!
//! `POST /campaignBuilder` (`CampaignRequest`) answers `CampaignSubmissionResponse
//! {campaignId, mnoMetadata}` (`C` + 6 uppercase alphanumerics). Input checks, one `501` each:
//! `brandId` (1–8), `usecase` (1–50, of `/enum/usecase`), `resellerId` (`R` + 6), `description`
//! and `messageFlow` (40–4096) and `sample1` are required; samples, `helpMessage`,
//! `optinMessage`, `optoutMessage` 20–1024; `subscriberOptin`/`Optout`/`Help` make their message
//! and keywords required; keywords at most 255, comma-separated without spaces;
//! `subUsecases` unique, valid sub-use cases, as many as the use case allows;
//! `privacyPolicyLink`/`termsAndConditionsLink` at most 2048, `embeddedLinkSample` 255,
//! `referenceId` 50; `mnoIds` distinct MNOs; `termsAndConditions` true; tags as for brands; JSON
//! types per field. Then: an unknown brand or reseller (`502`; `R000000` means none, else a
//! reseller of the account, see below), the qualification refusals above (`527`, `509`), a sole
//! proprietor without OTP (`509`) or with a campaign already (`511`), a `referenceId` another
//! campaign holds, ignoring case (`503`), no chosen carrier accepting (`509`), and every carrier
//! mandate unmet (`509`: too few samples naming the next `sampleN`, a missing subscriber flag
//! naming it). The campaign goes to the carriers of `mnoIds` (all six by default) that accept it.
//!
//! A new campaign is `ACTIVE`, `mock` as its brand, with `createDate` and `billedDate` now,
//! `monthlyFee` per the table above and `nextRenewalOrExpirationDate` 3 months on (TCR's
//! 3-month minimum, billed up front; 1 month for POLITICAL, which is exempt). Left-out keywords
//! default to `STOP` (opt-out) and `HELP`; left-out links read `""` as in TCR's example. Events:
//! `CAMPAIGN_ADD`, `CAMPAIGN_BILLED`, then `MNO_CAMPAIGN_OPERATION_REVIEW` per carrier.
//!
//! Carrier review: each carrier starts in `REVIEW` and one `campaign_review_delay` later moves
//! to `REGISTERED` (`MNO_CAMPAIGN_OPERATION_APPROVED`), unless the campaign's description (read
//! at that moment) carries a `[sim:mno-...]` marker for it: REJECTED
//! (`MNO_CAMPAIGN_OPERATION_REJECTED`), held in REVIEW, or REGISTERED and then SUSPENDED one
//! more delay later (`MNO_CAMPAIGN_OPERATION_SUSPENDED`). A carrier moving from SUSPENDED back
//! to REGISTERED sends `MNO_CAMPAIGN_OPERATION_UNSUSPENDED`.
//!
//! - `GET /campaign/{campaignId}`: `Campaign_CSP_EX` (with `expirationDate` once EXPIRED).
//! - `GET /campaign`: `RecordSetCampaign_CSP`; exact filters `brandId`, `status`, `usecase`,
//!   `resellerId`, `mock`, `autoRenewal`, `upstreamCnpId`, `tag`, `referenceId` (ignoring case),
//!   paged like brands; no filter lists every campaign.
//! - `PUT /campaign/{campaignId}` (`UpdateCampaign_CSP`): changes the fields §4.4 lets change
//!   (`null` or `""` clears one), checks the result like a new campaign (`501`) and against its
//!   carriers' mandates (`509`), sends `CAMPAIGN_UPDATE` and answers `Campaign_CSP_EX`. Sending a
//!   field that cannot change (`brandId`, `usecase`, `subUsecases`, `termsAndConditions`, the
//!   subscriber flags, `mnoIds`, `referenceId`, `tag`, read-only ones) with a different value is
//!   `501` naming it (the same value is harmless, so a GET-modify-PUT works); `resellerId` may
//!   only change to `R000000`. A new description's markers are checked (`501`) and apply from
//!   then on; `[sim:error-NNN]`/`[sim:http-NNN]`/`[sim:slow-N]` in it act on the call. Expired:
//!   `518`.
//! - `DELETE /campaign/{campaignId}`: `204`; the campaign is `EXPIRED` for good with
//!   `expirationDate` (and `nextRenewalOrExpirationDate` that day), carriers stop deciding, one
//!   `CAMPAIGN_EXPIRED`; again: `204`, nothing more.
//! - `GET /campaign/{campaignId}/mnoMetadata`: the carriers' terms at the last (re)submission.
//! - `GET /campaign/{campaignId}/operationStatus`: `{"10017": "REGISTERED", ...}` (`518` once
//!   expired).
//! - `PUT /campaign/{campaignId}/resubmit` (`{mnoIds}`, default the campaign's carriers; new
//!   ones are added): terms worked out anew for the brand as it is now (`527`/`509` as for
//!   qualification), mandates checked (`509`), the carriers back in `REVIEW`, deciding one review
//!   delay later by the description as it is then. `CAMPAIGN_RESUBMISSION`, then the REVIEW
//!   events; answers `CampaignSubmissionResponse` with the campaign's whole `mnoMetadata`.
//! - `POST /campaign/{campaignId}/nudge` (`{nudgeIntent, description ≤ 1024}`): `200 {"message":
//!   "Nudge successful"}` and `CAMPAIGN_NUDGE` with `nudgeIntent`. `REVIEW` needs a carrier in
//!   REVIEW, `APPEAL_REJECTION` one that REJECTED the campaign, else `592`. The simulator's
//!   carriers review directly, so no sharing is needed to nudge.
//! - `PUT /campaign/{campaignId}/sharing/{upstreamCnpId}`: shares with a partner of `GET
//!   /enum/cnp` (`BANDW`, `SINCH`, `TWILO`, all DCAs): `CampaignSharingStatus` `PENDING`
//!   (`explanation` `""`, the schema requires a string) and `CAMPAIGN_SHARE_ADD`. One
//!   `sharing_delay` later `ACCEPTED` (`CAMPAIGN_SHARE_ACCEPT`, then `CAMPAIGN_DCA_COMPLETE`), or
//!   with `[sim:share-decline]` `DECLINED` with `explanation` `<CATEGORY>: <text>`
//!   (`CAMPAIGN_SHARE_DELETE`). Refused: an unknown partner (`502`), expired (`518`), mock
//!   (`536`), while a share is PENDING or ACCEPTED (`592`), the partner that declined it before
//!   (`522`). `GET /campaign/{campaignId}/sharing` answers `{sharedByMe}` once shared (the
//!   account's own campaigns are never shared with it, so never `sharedWithMe`).
//! - CNP migration (`POST /campaign/{campaignId}/migrateCnp/{upstreamCnpId}`, `GET`/`DELETE
//!   /campaign/{campaignId}/migrateCnp`, `GET`/`PUT /settings/cnpMigration`): see the
//!   `campaigns::migration` module; refused (`592`) until `migrationSupported` is turned on.
//!
//! # The partner's side
//!
//! `/partnerCampaign/sharedWithMe`, `/sharedByMe`, `/{campaignId}` (with its `brand`),
//! `/{campaignId}/mnoMetadata`, `/{campaignId}/operationStatus`, `/{campaignId}/sharing` (`GET`;
//! `DELETE` declines), `/{campaignId}/sharing/{upstreamCnpId}` (`PUT` accepts by sharing
//! further upstream): see the `partner` module. Other CSPs' shares arrive through
//! [`SimHandle::share_with_us`].
//!
//! # Authentication+
//!
//! A vet of class `AUTHPLUS` (ordered from `AEGIS` like any vet) is for `PUBLIC_PROFIT` brands
//! with a `businessContactEmail` (`501` otherwise): `BRAND_AUTHPLUS_VERIFICATION_ADD`, then one
//! `vetting_delay` later `BRAND_AUTHPLUS_DOMAIN_VERIFIED` and `BRAND_EMAIL_2FA_SEND` (vet
//! `UNSCORE`); `SimHandle::complete_auth_plus_2fa` is the contact following the link
//! (`BRAND_AUTHPLUS_2FA_VERIFIED`, `BRAND_AUTHPLUS_VERIFICATION_COMPLETE`, vet `ACTIVE`).
//! `POST /brand/{brandId}/2faEmail` resends it (`204`; `565` without a vet started in the last 30
//! days, `592` once complete; at most one e-mail per 2 h, later resends silently send nothing). A
//! new `businessContactEmail` revokes a live Auth+ vet (`FAILED`,
//! `BRAND_AUTHPLUS_VERIFICATION_FAILED`).
//!
//! # Resellers
//!
//! `POST`/`GET /reseller` and `GET`/`PUT`/`DELETE /reseller/{resellerId}`: `companyName` (1–100,
//! unique ignoring case, else `503`), `phone` (E.164, ≤20) and `email` (≤100) required (`501`
//! each); ids `R` + 6; search by partial `companyName`; a reseller campaigns name cannot be
//! deleted (`501`); unknown ids `502`. The account starts with `RSIM001`.
//!
//! # Enumerations
//!
//! `GET /enum/...`: `entityType`, `brandRelationship`, `brandIdentityStatus`, `brandStatus`,
//! `stockExchange`, `altBusinessIdType`, `vertical`, `usecase`, `mno`, `campaignStatus`,
//! `operationStatus`, `vettingStatus`, `nudgeIntent`, `rejectionCategory`, `suspensionCategory`
//! (the twelve the operation describes), `brandAppealCategory`, `vettingClass`,
//! `extVettingProvider`, `cnp` and `dca`.
//!
//! TCR's catalogues: `GET /error` (code → description; every code the simulator answers is
//! listed), `country` (ISO 3166-1, names from Debian's iso-codes), `usState` (the 50 states, DC
//! and 5 territories, the list brand validation accepts), `approvedPublicCompany` (an illustrative
//! dozen; filters `displayName` contains, `symbol`, `exchange`, `country`; paged),
//! `vettingFeedbackCode` (the `TF..` codes, `TFTI04` among them), `optionalAttributeNames`,
//! `extVettingAppealCategory` (`?evpId=` narrows).
//!
//! # The account, tags and nnSR
//!
//! `GET /csp/profile` answers the account's `CspProfile` (sole proprietors and the platform free
//! trial on, UCaaS and public safety off, no DPA); `PUT` changes `escalateEmail`, `email`,
//! `techEmail`, `financeEmail` and keeps them, other settings are TCR support's (`501`).
//! `GET /pft/brand` answers the account's PFT brand, a VERIFIED PUBLIC_PROFIT brand in the CSP's
//! name provisioned on first read. `GET /campaignBuilder/termsAndConditions` lists `subTerms`.
//!
//! `PUT /tag` (`{name, recordType, recordId}`) tags a live brand or campaign: the tag is kept on
//! the record (its `tag` property), lower-case, at most 10 (`530`), letters and digits only
//! (`501`), unknown records `502`. `GET /tag` lists them (`name`, `recordType`, `recordId`
//! filters, paged); `DELETE /tag/name/{name}/recordType/{recordType}/recordId/{recordId}`
//! answers `204`, or `502` for a tag not there.
//!
//! `GET /campaign/{campaignId}/osr/attributes` answers nnSR's `{brand_id, status, msg_class}`:
//! `status` is the bitmask of the carriers (`osrBitmaskIndex`) where the campaign is REGISTERED,
//! `msg_class` AT&T's class. `.../osr/phones` is always an empty page (numbers are provisioned
//! outside TCR). `GET /campaign/{campaignId}/mnoIdsWithDcaElected` lists the campaign's carriers
//! once its partner (a DCA) accepted the share, else `[]`.
//!
//! `POST /brand/{brandId}/externalVetting/mockCvToken` (form: `locale`, `validUntil`) answers a
//! `text/plain` token `v|1.0|cvmock|10dlc|...`.
//!
//! # Magic inputs
//!
//! Markers in a brand's `displayName` or a campaign's `description` (create and update) make the
//! simulator misbehave or decide on purpose, so clients can test their handling. Markers
//! combine; an unknown `[sim:...]` marker, or one in the wrong field, is refused with error `501`
//! on that field. `ID` is a carrier's network id (e.g. 10017), `CATEGORY` a value of `GET
//! /enum/rejectionCategory` or, for suspensions, `GET /enum/suspensionCategory` (any case).
//!
//! In either field, acting on that one call:
//!
//! - `[sim:error-NNN]`: the call is refused with HTTP `400` and TCR error code `NNN` (realistic
//!   text for 501, 502, 503, 506, 508, 509, 511, 512, 518, 520, 522, 527, 528, 529, 534, 535,
//!   536, 537, 542, 543, 549, 550, 551, 552, 553, 554, 555, 556, 557, 559, 568, 590, 591, 592,
//!   620, 630, worded for campaigns where it matters); nothing is stored. `[sim:error-591]` is
//!   TCR's "retry in 30 s".
//! - `[sim:http-NNN]`: the call fails with bare HTTP status `NNN` (400–599, e.g. 500, 502, 503,
//!   429) and no body; nothing is stored.
//! - `[sim:slow-N]`: the answer comes `N` seconds late (0–600); the record is stored at once, as a
//!   slow TCR would, so a client that gives up has still registered it.
//! - `[sim:created-then-http-500]`: (create only) the brand or campaign is created but the answer
//!   is a bare HTTP `500` ("TCR created it, but we never heard").
//!
//! In a brand's `displayName`:
//!
//! - `[sim:unverified]`: scoring ends `UNVERIFIED` instead of `VERIFIED`.
//! - `[sim:self-declared]`: scoring ends `SELF_DECLARED`.
//! - `[sim:vet-score-NN]`: an ordered vet (and an imported Aegis or WMC one) scores `NN`
//!   (0–100) instead of 85.
//! - `[sim:vet-fail]`: an ordered vet ends `FAILED`, with `reasons`.
//! - `[sim:appeal-reject]`: an identity appeal completes with the brand still `UNVERIFIED`.
//!
//! In a campaign's `description`, read whenever a carrier or partner decides:
//!
//! - `[sim:mno-reject-ID]`: carrier `ID` ends `REJECTED`, category `SAMPLE_MESSAGE`;
//!   `[sim:mno-reject-ID-CATEGORY]` with that rejection category.
//! - `[sim:mno-suspend-ID]`: carrier `ID` ends `REGISTERED`, then `SUSPENDED` one
//!   `campaign_review_delay` later, category `SPAM`; `[sim:mno-suspend-ID-CATEGORY]` with that
//!   suspension category.
//! - `[sim:mno-hold-ID]`: carrier `ID` stays in `REVIEW`.
//! - `[sim:share-decline]`: the upstream partner declines sharing, category
//!   `CAMPAIGN_DESCRIPTION_OR_ATTRIBUTES`; `[sim:share-decline-CATEGORY]` with that rejection
//!   category.
//!
//! The same text is [`MAGIC_INPUTS_HELP`], which the CLI prints in `tendlc tcr-sim --help`.
//!
//! # Webhooks
//!
//! `PUT /webhook/subscription` (`{eventCategory, webhookEndpoint}`, categories `BRAND`, `CSP`,
//! `CAMPAIGN`, `INCIDENCE`, `VETTING`, an http(s) URL of at most 255 characters, else `400` with
//! error `501`) sets the one endpoint of a category and echoes the subscription; `GET
//! /webhook/subscription` lists them, `DELETE /webhook/subscription/{eventCategory}` answers
//! `204` (`400`/`502` when not subscribed). `GET /webhook/eventCategory` and `GET
//! /webhook/eventType` list the catalogue (`shared/tcr-api.md` §6.2). `GET
//! /webhook/subscription/eventType/{eventType}/mock` POSTs a mock event (`mock: true`, sample ids)
//! to the category's endpoint right away and answers `{endpoint, status, request, response}`
//! (`status` `0` and the error as `response` when the endpoint cannot be reached; `400`/`501` for
//! an unknown type, `400`/`502` without a subscription).
//!
//! Brands send `BRAND_ADD` (create, also when `[sim:created-then-http-500]` hides it),
//! `BRAND_UPDATE` (update), `BRAND_DELETE` (first delete), `BRAND_REVET` (revet) and, when
//! scoring ends, `BRAND_SCORE_UPDATE` then `BRAND_IDENTITY_STATUS_UPDATE`; the other events are
//! named where their routes are described above. An event is a flat JSON object:
//! `eventType`, `cspId`, `cspName`, `brandId`, `brandName` (the `displayName`),
//! `brandReferenceId` (`null` without one), `description` ("Brand B1234AB (Acme) is added"),
//! `mock` (the brand's; the campaign's for campaign events), plus:
//!
//! - `BRAND_IDENTITY_STATUS_UPDATE`: `brandIdentityStatus`. `BRAND_MOCK_OTP`: `otpPin`.
//!   `BRAND_APPEAL_COMPLETE`: description "Brand B… identity appeal is complete: VERIFIED" (or
//!   `UNVERIFIED`).
//! - `CAMPAIGN_*`: `campaignId`, `campaignReferenceId` (`null` without one). Descriptions:
//!   `CAMPAIGN_ADD` "Campaign C… for brand B… (Acme) is provisioned in the registry";
//!   `CAMPAIGN_BILLED` "Campaign C… is billed 30.00 USD: 3 months at 10.00 USD";
//!   `CAMPAIGN_EXPIRED` "Campaign C… for brand B… (Acme) is deactivated"; `CAMPAIGN_UPDATE`,
//!   `CAMPAIGN_RESUBMISSION` ("… is resubmitted to AT&T, T-Mobile"), `CAMPAIGN_NUDGE` (adds
//!   `nudgeIntent`; `Campaign C… is nudged for REVIEW: <their text>`). Sharing events add
//!   `cnpId`: `CAMPAIGN_SHARE_ADD` "Campaign C… is shared with TWILO", `CAMPAIGN_SHARE_ACCEPT`
//!   "Twilio accepted campaign C…", `CAMPAIGN_DCA_COMPLETE` "Campaign DCAs have been fully
//!   elected for campaign C…", `CAMPAIGN_SHARE_DELETE`
//!   `<partner name> declined campaign <campaignId>: <CATEGORY>: <text>`.
//! - `MNO_CAMPAIGN_OPERATION_*`: the campaign's properties plus `mnoId` (a number) and
//!   `mnoName`. Descriptions: "AT&T is reviewing campaign C…", "AT&T approved campaign C…",
//!   "AT&T unsuspended campaign C…", and for rejections and suspensions, in one format meant to
//!   be parsed, `<mnoName> <rejected|suspended> campaign <campaignId>: <CATEGORY>: <text>`, e.g.
//!   "T-Mobile rejected campaign C1A2B3C: SAMPLE_MESSAGE: Sample messages do not reflect the
//!   campaign description." `CATEGORY` is from `GET /enum/rejectionCategory` (rejections) or
//!   `GET /enum/suspensionCategory` (suspensions); `text` is the category's sentence (the
//!   enumerations' descriptions, shortened) unless set through
//!   [`SimHandle::set_operation_status`]; neither contains `": "` in the simulator's own texts.
//! - `EVP_REPORT_*` (VETTING): `evpId`, `evpName`, `vettingId`, `vettingClass`; descriptions
//!   `Aegis Mobile STANDARD vet <vettingId> of brand B… is under review`, `… is scored 85`,
//!   `… is imported with score 85`, `… failed: <reasons>`.
//!
//! Events are POSTed with `Content-Type: application/json` and `X-Registry-Signature` =
//! [`tendlc_adapters::webhook_signature::sign`]`(api_secret, endpoint, event)`, by a background
//! task (never delaying the API answer), in creation order per endpoint. A failed delivery (no
//! answer within `webhook_timeout`, or not 2xx) is retried `webhook_retries` times, waiting
//! `webhook_retry_backoff`, then twice that, and so on; retries do not hold up later events.
//! Events of unsubscribed categories are not sent.
//!
//! # Faults
//!
//! [`SimFaults`] (all off by default) make webhooks and the API misbehave: webhook events
//! dropped, duplicated, delayed (plus jitter), held for a window and sent newest first, or
//! corrupted (wrong signature or a truncated, non-JSON body; retries send the intact event);
//! API calls failing (bare `500`, `503`, `429`, or no answer for `api_timeout_hold`, taking
//! turns; the failed call does nothing; the answer carries header `x-sim-fault`) and extra latency
//! on every answer. A `seed` makes the dice reproducible. Set them in [`SimConfig::faults`] or,
//! while running, through the [`SimHandle`].
//!
//! # Running it
//!
//! - [`router`]`(config)`: the routes alone; [`serve`]`(listener, config, shutdown)`: serve them.
//! - [`simulator`]`(config) -> (Router, SimHandle)`: the routes plus a handle on their state.
//! - [`serve_with_handle`]`(listener, config, shutdown) -> (SimHandle, server)`: `server` is a
//!   future to spawn or await; it ends after `shutdown` completes and in-flight calls finish
//!   (an injected timeout gives up at shutdown).
//! - `testing::SimServer::start(adjust)` (feature `testing`): on a random local port with random
//!   credentials, for tests; it stops when dropped.
//!
//! [`SimHandle`] (cheap to clone) offers `set_faults`, `faults`, `deliveries` (every
//! [`DeliveryRecord`]: endpoint, event, body and signature sent, attempt, status or error,
//! dropped / duplicate / corruption, time), `clear_deliveries`, `subscriptions`, `subscribe`,
//! `brand` (as `GET /brand/{brandId}` shows it), `brand_count`, `set_identity_status` (TCR
//! changes a brand's identity out of band and sends `BRAND_IDENTITY_STATUS_UPDATE`),
//! `campaign` (as `GET /campaign/{campaignId}` shows it), `set_operation_status` (a carrier
//! acts out of band: `REVIEW`, `REGISTERED`, `REJECTED` or `SUSPENDED` with an optional category
//! and text, sending the matching `MNO_CAMPAIGN_OPERATION_*` event), `otp_pin` (the latest PIN
//! sent to a sole proprietor) and `vettings` (a brand's `ExternalVetting` records).
//!
//! Timing: `scoring_delay`, `campaign_review_delay` (a carrier's decision, and approval to
//! suspension), `vetting_delay` (each vetting step), `sharing_delay` and `appeal_delay` in
//! [`SimConfig`]; `tendlc tcr-sim` takes them as `--scoring-delay-secs`,
//! `--campaign-review-delay-secs`, `--vetting-delay-secs`, `--sharing-delay-secs` and
//! `--appeal-delay-secs`.
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use std::time::Duration;
//! use tendlc_tcr_sim::{SimConfig, SimFaults};
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let config = SimConfig { scoring_delay: Duration::from_millis(300), ..SimConfig::default() };
//! let (sim, server) = tendlc_tcr_sim::serve_with_handle(listener, config, std::future::pending());
//! tokio::spawn(server);
//! sim.set_faults(SimFaults { webhook_drop_rate: 0.5, seed: Some(7), ..SimFaults::default() });
//! # Ok(()) }
//! ```

mod account;
mod appeals;
mod attachments;
mod auth;
mod auth_plus;
mod body;
mod brands;
mod campaigns;
mod catalogue;
mod enums;
mod errors;
mod events;
mod faults;
mod handle;
mod magic;
mod mock_cv;
mod otp;
mod partner;
mod qualify;
mod query;
mod resellers;
mod state;
mod tags;
mod validate;
mod vet_appeals;
mod vetting;
mod webhooks;

#[cfg(feature = "testing")]
pub mod testing;

use std::sync::Arc;
use std::time::Duration;

use axum::{http::StatusCode, routing::get, Router};

pub use faults::{parse_rate, ApiFailure, SimFaults, API_TIMEOUT_HOLD, FAULT_HEADER};
pub use handle::{SimHandle, SimHandleError};
pub use magic::MAGIC_INPUTS_HELP;
pub use otp::MOCK_PIN;
pub use webhooks::{Corruption, DeliveryRecord, EVENT_CATEGORIES, EVENT_TYPES};

/// How one simulated TCR CSP account behaves.
#[derive(Clone)]
pub struct SimConfig {
    /// The API key clients must send as the Basic-auth user name.
    pub api_key: String,
    /// The API secret clients must send as the Basic-auth password.
    pub api_secret: String,
    /// The CSP id stamped on every brand (`cspId`), e.g. `S1MCSP0`.
    pub csp_id: String,
    /// The CSP's name, sent as `cspName` in webhook events.
    pub csp_name: String,
    /// Time between registering (or re-scoring) a brand and its identity verdict.
    pub scoring_delay: Duration,
    /// Time a carrier takes to decide on a campaign in `REVIEW` (and, for `[sim:mno-suspend-ID]`,
    /// from registering it to suspending it).
    pub campaign_review_delay: Duration,
    /// Time an ordered external vet spends `PENDING`, then again `UNSCORE`, before its result.
    pub vetting_delay: Duration,
    /// Time an upstream partner takes to accept or decline a shared campaign.
    pub sharing_delay: Duration,
    /// Time TCR takes to decide an identity appeal.
    pub appeal_delay: Duration,
    /// `GET` requests allowed per second; `0` turns the limit off.
    pub read_rate_per_sec: u32,
    /// `POST`/`PUT`/`DELETE` requests allowed per 10 seconds; `0` turns the limit off.
    pub write_rate_per_10s: u32,
    /// Retries of a webhook delivery that got no 2xx answer; `0` turns retries off.
    pub webhook_retries: u32,
    /// Wait before the first retry; each further retry waits twice as long as the one before.
    pub webhook_retry_backoff: Duration,
    /// How long a webhook endpoint has to answer before the attempt counts as failed.
    pub webhook_timeout: Duration,
    /// Faults to inject from the start (all off by default); changeable through [`SimHandle`].
    pub faults: SimFaults,
}

impl Default for SimConfig {
    /// TCR's published 2022 rate limits; 30 s each for scoring, a carrier's review, each vetting
    /// step and a partner's sharing decision, 60 s for an appeal; 3 webhook retries from 1 s, a
    /// 10 s webhook timeout and no faults; no credentials.
    fn default() -> Self {
        Self {
            api_key: String::new(),
            api_secret: String::new(),
            csp_id: "S1MCSP0".to_owned(),
            csp_name: "Simulated CSP".to_owned(),
            scoring_delay: Duration::from_secs(30),
            campaign_review_delay: Duration::from_secs(30),
            vetting_delay: Duration::from_secs(30),
            sharing_delay: Duration::from_secs(30),
            appeal_delay: Duration::from_secs(60),
            read_rate_per_sec: 20,
            write_rate_per_10s: 20,
            webhook_retries: 3,
            webhook_retry_backoff: Duration::from_secs(1),
            webhook_timeout: Duration::from_secs(10),
            faults: SimFaults::default(),
        }
    }
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("api_key", &"[REDACTED]")
            .field("api_secret", &"[REDACTED]")
            .field("csp_id", &self.csp_id)
            .field("csp_name", &self.csp_name)
            .field("scoring_delay", &self.scoring_delay)
            .field("campaign_review_delay", &self.campaign_review_delay)
            .field("vetting_delay", &self.vetting_delay)
            .field("sharing_delay", &self.sharing_delay)
            .field("appeal_delay", &self.appeal_delay)
            .field("read_rate_per_sec", &self.read_rate_per_sec)
            .field("write_rate_per_10s", &self.write_rate_per_10s)
            .field("webhook_retries", &self.webhook_retries)
            .field("webhook_retry_backoff", &self.webhook_retry_backoff)
            .field("webhook_timeout", &self.webhook_timeout)
            .field("faults", &self.faults)
            .finish()
    }
}

/// The simulator's routes, all under `/v2`, with auth, rate limits, API faults and request
/// logging.
pub fn router(config: SimConfig) -> Router {
    simulator(config).0
}

/// The simulator's routes and a handle on the state behind them.
pub fn simulator(config: SimConfig) -> (Router, SimHandle) {
    let sim = Arc::new(state::Sim::new(config));
    let router = Router::new()
        .merge(brands::router())
        .merge(vetting::router())
        .merge(appeals::router())
        .merge(attachments::router())
        .merge(vet_appeals::router())
        .merge(otp::router())
        .merge(auth_plus::router())
        .merge(qualify::router())
        .merge(campaigns::router())
        .merge(partner::router())
        .merge(resellers::router())
        .merge(enums::router())
        .merge(catalogue::router())
        .merge(account::router())
        .merge(tags::router())
        .merge(mock_cv::router())
        .merge(webhooks::router())
        .route("/v2/version", get(|| async { "5.23.0-sim" }))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            auth::authenticate_and_throttle,
        ))
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            faults::inject_api_faults,
        ))
        .layer(axum::middleware::from_fn(auth::log_request))
        .with_state(sim.clone());
    (router, SimHandle { sim })
}

/// Serves the simulator on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: SimConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_handle(listener, config, shutdown).1.await
}

/// A handle on the simulator and the future that serves it on `listener` until `shutdown`
/// completes (spawn it or await it).
pub fn serve_with_handle(
    listener: tokio::net::TcpListener,
    config: SimConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> (
    SimHandle,
    impl std::future::Future<Output = std::io::Result<()>> + Send + 'static,
) {
    let csp_id = config.csp_id.clone();
    let (router, handle) = simulator(config);
    let sim = handle.sim.clone();
    let server = async move {
        tracing::info!(
            addr = %listener.local_addr()?,
            csp_id = %csp_id,
            "TCR simulator listening"
        );
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                shutdown.await;
                sim.begin_stop();
            })
            .await
    };
    (handle, server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_credentials() {
        let config = SimConfig {
            api_key: "key-that-must-not-leak".into(),
            api_secret: "secret-that-must-not-leak".into(),
            ..SimConfig::default()
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("must-not-leak"), "{printed}");
        assert!(printed.contains("S1MCSP0"), "{printed}");
    }

    #[test]
    fn every_magic_marker_is_documented_in_the_module_docs_and_the_help_text() {
        let module_docs: String = include_str!("lib.rs")
            .lines()
            .filter(|line| line.starts_with("//!"))
            .collect();
        for marker in [
            "[sim:unverified]",
            "[sim:self-declared]",
            "[sim:error-NNN]",
            "[sim:http-NNN]",
            "[sim:slow-N]",
            "[sim:created-then-http-500]",
            "[sim:vet-score-NN]",
            "[sim:vet-fail]",
            "[sim:appeal-reject]",
            "[sim:mno-reject-ID]",
            "[sim:mno-reject-ID-CATEGORY]",
            "[sim:mno-suspend-ID]",
            "[sim:mno-suspend-ID-CATEGORY]",
            "[sim:mno-hold-ID]",
            "[sim:share-decline]",
            "[sim:share-decline-CATEGORY]",
        ] {
            assert!(module_docs.contains(marker), "module docs lack {marker}");
            assert!(
                MAGIC_INPUTS_HELP.contains(marker),
                "help text lacks {marker}"
            );
        }
    }
}
