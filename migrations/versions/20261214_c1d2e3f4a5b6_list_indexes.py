"""list indexes: dossier lists, home worklists, registry search and scope, appraisal's look-ups at a province's scale

Revision ID: c1d2e3f4a5b6
Revises: a4c7e2b9d1f6
Create Date: 2026-12-14 09:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c1d2e3f4a5b6'
down_revision = 'a4c7e2b9d1f6'
branch_labels = None
depends_on = None

# (index, table, columns): each serves a list's WHERE and ORDER BY together (benchmarks/pages.py).
INDEXES = (
    # Home worklists and the overdue filter: an authority's dossiers in a state, by due date.
    ('ix_dossiers_authority_id_state_due_on', 'dossiers', ['authority_id', 'state', 'due_on']),
    # The dossier list filtered by year, newest first.
    ('ix_dossiers_authority_id_year_id', 'dossiers', ['authority_id', 'year', 'id']),
    # A unit's dossiers, newest first (the unit's list; the office's list filtered by unit).
    ('ix_dossiers_unit_id_id', 'dossiers', ['unit_id', 'id']),
    # The registry, newest award first.
    ('ix_registry_entries_year_decision_date_id', 'registry_entries', ['year', 'decision_date', 'id']),
    # Registry scope: the people with a recorded year in the actor's units.
    ('ix_nominee_years_unit_id_nominee_id', 'nominee_years', ['unit_id', 'nominee_id']),
    # Appraisal and a person's history follow merges, and look for name twins born the same day.
    ('ix_nominees_merged_into_id', 'nominees', ['merged_into_id']),
    ('ix_nominees_date_of_birth', 'nominees', ['date_of_birth']),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
