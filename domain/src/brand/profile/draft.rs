//! Merging a partial update into a draft.
use super::BrandDraft;

impl BrandDraft {
    /// This draft with every field the patch sets replaced by the patch's value.
    pub fn merged_with(&self, patch: &BrandDraft) -> BrandDraft {
        fn pick<T: Clone>(mine: &Option<T>, patch: &Option<T>) -> Option<T> {
            patch.as_ref().or(mine.as_ref()).cloned()
        }
        BrandDraft {
            entity_type: pick(&self.entity_type, &patch.entity_type),
            display_name: pick(&self.display_name, &patch.display_name),
            company_name: pick(&self.company_name, &patch.company_name),
            ein: pick(&self.ein, &patch.ein),
            ein_issuing_country: pick(&self.ein_issuing_country, &patch.ein_issuing_country),
            first_name: pick(&self.first_name, &patch.first_name),
            last_name: pick(&self.last_name, &patch.last_name),
            phone: pick(&self.phone, &patch.phone),
            mobile_phone: pick(&self.mobile_phone, &patch.mobile_phone),
            street: pick(&self.street, &patch.street),
            city: pick(&self.city, &patch.city),
            state: pick(&self.state, &patch.state),
            postal_code: pick(&self.postal_code, &patch.postal_code),
            country: pick(&self.country, &patch.country),
            email: pick(&self.email, &patch.email),
            website: pick(&self.website, &patch.website),
            vertical: pick(&self.vertical, &patch.vertical),
            stock_symbol: pick(&self.stock_symbol, &patch.stock_symbol),
            stock_exchange: pick(&self.stock_exchange, &patch.stock_exchange),
            alt_business_id: pick(&self.alt_business_id, &patch.alt_business_id),
            alt_business_id_type: pick(&self.alt_business_id_type, &patch.alt_business_id_type),
            business_contact_email: pick(
                &self.business_contact_email,
                &patch.business_contact_email,
            ),
            mock: pick(&self.mock, &patch.mock),
        }
    }
}
