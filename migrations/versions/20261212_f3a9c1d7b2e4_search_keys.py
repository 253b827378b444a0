"""search_key: the folded words of dossiers, nominees, units, initiatives and decisions, with their indexes

The keys of existing rows are folded in Python (workflow/search/keys.py), the same function that keeps them up to
date, so both databases hold the same keys. PostgreSQL gets GIN trigram indexes (pg_trgm) for LIKE '%…%'.

Revision ID: f3a9c1d7b2e4
Revises: b5d7f9a1c3e6
Create Date: 2026-12-12 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from workflow.search.keys import SOURCES, fold, search_text

# revision identifiers, used by Alembic.
revision = 'f3a9c1d7b2e4'
down_revision = 'b5d7f9a1c3e6'
branch_labels = None
depends_on = None


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for model, columns in SOURCES.items():
        table = model.__tablename__
        # Plain ALTER TABLE, never batch mode's copy of the table: SQLite would refuse to drop a table (units,
        # dossiers…) that other rows point to.
        op.add_column(table, sa.Column('search_key', sa.Text(), nullable=False, server_default=''))
        rows = op.get_bind().execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).all()
        if rows:
            op.get_bind().execute(
                sa.text(f'UPDATE {table} SET search_key = :key WHERE id = :id'),
                [{'id': row.id, 'key': fold(search_text(model, row))} for row in rows],
            )
        if postgres:
            # New rows get their key from the listener; SQLite cannot drop a default without copying the table.
            op.alter_column(table, 'search_key', server_default=None)
        # A trigram index on PostgreSQL; SQLite ignores the postgresql_ options and makes a plain one.
        op.create_index(
            f'ix_{table}_search_key', table, ['search_key'],
            postgresql_using='gin', postgresql_ops={'search_key': 'gin_trgm_ops'},
        )


def downgrade():
    # pg_trgm stays: dropping an extension is the database owner's choice, and nothing else changes with it.
    for model in reversed(list(SOURCES)):
        table = model.__tablename__
        op.drop_index(f'ix_{table}_search_key', table_name=table)
        op.drop_column(table, 'search_key')
