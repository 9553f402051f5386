//! Builders shared by the migrations: named foreign keys and indices, so every
//! constraint gets a predictable name (`fk_<table>_<column>`, `ix_…`, `ux_…`)
//! that is unique within a database schema.

use sea_orm_migration::prelude::*;

/// A foreign key from `table.column` to `target.target_column`, named
/// `fk_<table>_<column>`. SQLite only accepts foreign keys inside
/// `CREATE TABLE`, so pass the result to `TableCreateStatement::foreign_key`.
pub(crate) fn foreign_key<T, R>(
    table: T,
    column: T,
    target: R,
    target_column: R,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement
where
    T: Iden + Copy + 'static,
    R: Iden + Copy + 'static,
{
    ForeignKey::create()
        .name(format!("fk_{}_{}", table.to_string(), column.to_string()))
        .from(table, column)
        .to(target, target_column)
        .on_delete(on_delete)
        .take()
}

/// A plain index on `columns` of `table`, named `ix_<table>_<columns…>`.
pub(crate) fn index<T>(table: T, columns: &[T]) -> IndexCreateStatement
where
    T: Iden + Copy + 'static,
{
    build_index("ix", table, columns)
}

/// A unique index on `columns` of `table`, named `ux_<table>_<columns…>`.
///
/// Both backends treat NULLs as distinct, so rows whose key has a NULL part
/// (say, a location with no connection) never collide.
pub(crate) fn unique_index<T>(table: T, columns: &[T]) -> IndexCreateStatement
where
    T: Iden + Copy + 'static,
{
    build_index("ux", table, columns).unique().take()
}

fn build_index<T>(prefix: &str, table: T, columns: &[T]) -> IndexCreateStatement
where
    T: Iden + Copy + 'static,
{
    let names: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let mut statement = Index::create();
    statement
        .name(format!(
            "{prefix}_{}_{}",
            table.to_string(),
            names.join("_")
        ))
        .table(table);
    for column in columns {
        statement.col(*column);
    }
    statement
}

/// Creates `table`, then each of `indices`.
pub(crate) async fn create_table_with_indices(
    manager: &SchemaManager<'_>,
    table: TableCreateStatement,
    indices: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    manager.create_table(table).await?;
    for index in indices {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops `table` (its indices go with it).
pub(crate) async fn drop_table<T>(manager: &SchemaManager<'_>, table: T) -> Result<(), DbErr>
where
    T: Iden + 'static,
{
    manager
        .drop_table(Table::drop().table(table).to_owned())
        .await
}

/// Alters `table` by `change` (a column added or dropped).
pub(crate) async fn alter_table<T>(
    manager: &SchemaManager<'_>,
    table: T,
    change: impl FnOnce(&mut TableAlterStatement) -> &mut TableAlterStatement,
) -> Result<(), DbErr>
where
    T: Iden + 'static,
{
    let mut statement = Table::alter();
    statement.table(table);
    manager.alter_table(change(&mut statement).to_owned()).await
}

/// Length of the columns holding a closed enumeration (`entities::enums`).
pub(crate) const ENUM_LEN: u32 = 16;

/// Length of an ISO 4217 currency code.
pub(crate) const CURRENCY_LEN: u32 = 3;
