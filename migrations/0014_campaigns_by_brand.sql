-- A brand's history includes its campaigns': find them by the brand named in their first event.
CREATE INDEX events_campaign_brand
    ON events ((payload -> 'CampaignRegistrationRequested' ->> 'brand_id'))
    WHERE aggregate_type = 'Campaign' AND sequence = 1;
