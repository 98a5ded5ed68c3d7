//! `TokenStore` on the store: the `api_tokens` table (hashes only) on either backend.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use lookout_domain::auth::{
    CreateTokenError, FindTokenError, ListTokensError, LoadTokensError, NewApiToken,
    RevokeTokenError, Scope, StoredToken, TokenHash, TokenId, TokenName, TokenStore,
};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::schema::api_tokens;
use crate::store::with_connection;
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    id: i64,
    name: Option<String>,
    scope: String,
    created_at: PrimitiveDateTime,
    revoked_at: Option<PrimitiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
struct NewTokenRow<'a> {
    name: Option<&'a str>,
    scope: &'static str,
    token_hash: String,
    created_at: PrimitiveDateTime,
}

fn corrupt(id: i64, what: &dyn std::fmt::Display) -> StoreError {
    StoreError::CorruptRow(format!("api token {id}: {what}"))
}

fn scope(id: i64, raw: &str) -> Result<Scope, StoreError> {
    raw.parse().map_err(|e| corrupt(id, &e))
}

impl TryFrom<TokenRow> for StoredToken {
    type Error = StoreError;

    fn try_from(row: TokenRow) -> Result<Self, StoreError> {
        Ok(StoredToken {
            id: TokenId::new(row.id).map_err(|e| corrupt(row.id, &e))?,
            name: row
                .name
                .as_deref()
                .map(TokenName::parse)
                .transpose()
                .map_err(|e| corrupt(row.id, &e))?,
            scope: scope(row.id, &row.scope)?,
            created_at: from_column(row.created_at),
            revoked_at: row.revoked_at.map(from_column),
        })
    }
}

impl TokenStore for Store {
    async fn create_token(
        &self,
        new: &NewApiToken,
        now: OffsetDateTime,
    ) -> Result<StoredToken, CreateTokenError> {
        let row = NewTokenRow {
            name: new.name.as_ref().map(TokenName::as_str),
            scope: new.scope.as_str(),
            token_hash: new.hash.to_hex(),
            created_at: to_column(now),
        };
        let inserted: TokenRow = with_connection!(self, write, |conn| {
            diesel::insert_into(api_tokens::table)
                .values(&row)
                .returning(TokenRow::as_returning())
                .get_result(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(inserted.try_into()?)
    }

    async fn list_tokens(&self) -> Result<Vec<StoredToken>, ListTokensError> {
        let rows: Vec<TokenRow> = with_connection!(self, read, |conn| {
            api_tokens::table
                .order(api_tokens::id)
                .select(TokenRow::as_select())
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(rows.into_iter().map(StoredToken::try_from).collect::<Result<_, _>>()?)
    }

    async fn revoke_token(
        &self,
        id: TokenId,
        now: OffsetDateTime,
    ) -> Result<StoredToken, RevokeTokenError> {
        let row: Option<TokenRow> = with_connection!(self, write, |conn| {
            // Only a token not yet revoked gets a revocation time: the first one stays.
            diesel::update(
                api_tokens::table.find(id.get()).filter(api_tokens::revoked_at.is_null()),
            )
            .set(api_tokens::revoked_at.eq(Some(to_column(now))))
            .execute(&mut conn)
            .await
            .map_err(StoreError::from)?;
            api_tokens::table
                .find(id.get())
                .select(TokenRow::as_select())
                .first(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?
        });
        match row {
            Some(row) => Ok(row.try_into()?),
            None => Err(RevokeTokenError::NotFound(id)),
        }
    }

    async fn active_tokens(&self) -> Result<Vec<(TokenHash, Scope)>, LoadTokensError> {
        let rows: Vec<(i64, String, String)> = with_connection!(self, read, |conn| {
            api_tokens::table
                .filter(api_tokens::revoked_at.is_null())
                .select((api_tokens::id, api_tokens::token_hash, api_tokens::scope))
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        let active = rows
            .into_iter()
            .map(|(id, hash, raw_scope)| {
                let hash = TokenHash::from_hex(&hash).map_err(|e| corrupt(id, &e))?;
                Ok((hash, scope(id, &raw_scope)?))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(active)
    }

    async fn find_active_token(&self, hash: &TokenHash) -> Result<Option<Scope>, FindTokenError> {
        let found: Option<(i64, String)> = with_connection!(self, read, |conn| {
            api_tokens::table
                .filter(api_tokens::token_hash.eq(hash.to_hex()))
                .filter(api_tokens::revoked_at.is_null())
                .select((api_tokens::id, api_tokens::scope))
                .first(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?
        });
        Ok(found.map(|(id, raw)| scope(id, &raw)).transpose()?)
    }
}
