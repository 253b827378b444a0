"""initiative register: authors with shares, state, decision, nominations' initiatives

Revision ID: 3c5e9a1d7b42
Revises: fb113a52e70f
Create Date: 2026-12-07 09:00:00.000000

Each existing initiative (one nominee, recorded as recognised) becomes a recognised initiative in the register of
its nominee's authority, with that nominee as sole author (100 %). Downgrading keeps only recognised initiatives
that have an author, on their largest-share author: the old table could hold nothing else.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5e9a1d7b42'
down_revision = 'fb113a52e70f'
branch_labels = None
depends_on = None


def _authority_of(conn, nominee_id):
    """The authority of the nominee's current unit, else of the unit of their latest recorded year, else the
    topmost authority."""
    unit_id = conn.execute(sa.text("SELECT unit_id FROM nominees WHERE id = :id"), {"id": nominee_id}).scalar()
    if unit_id is None:
        unit_id = conn.execute(
            sa.text(
                "SELECT unit_id FROM nominee_years WHERE nominee_id = :id AND unit_id IS NOT NULL "
                "ORDER BY year DESC LIMIT 1"
            ),
            {"id": nominee_id},
        ).scalar()
    authority_id = None
    if unit_id is not None:
        authority_id = conn.execute(sa.text("SELECT authority_id FROM units WHERE id = :id"), {"id": unit_id}).scalar()
    if authority_id is None:
        authority_id = conn.execute(
            sa.text("SELECT id FROM authorities WHERE parent_id IS NULL ORDER BY id LIMIT 1")
        ).scalar()
    if authority_id is None:
        raise RuntimeError("initiatives exist but no authority does: add the authorities first")
    return unit_id, authority_id


def _create_link_tables():
    op.create_table('initiative_authors',
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('nominee_id', sa.Integer(), nullable=False),
    sa.Column('share', sa.Integer(), nullable=False),
    sa.CheckConstraint('share BETWEEN 1 AND 100', name=op.f('ck_initiative_authors_share_percent')),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_initiative_authors_initiative_id_initiatives')),
    sa.ForeignKeyConstraint(['nominee_id'], ['nominees.id'], name=op.f('fk_initiative_authors_nominee_id_nominees')),
    sa.PrimaryKeyConstraint('initiative_id', 'nominee_id', name=op.f('pk_initiative_authors'))
    )
    with op.batch_alter_table('initiative_authors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_authors_nominee_id'), ['nominee_id'], unique=False)

    op.create_table('nomination_initiatives',
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_nomination_initiatives_initiative_id_initiatives')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_nomination_initiatives_nomination_id_nominations')),
    sa.PrimaryKeyConstraint('nomination_id', 'initiative_id', name=op.f('pk_nomination_initiatives'))
    )
    with op.batch_alter_table('nomination_initiatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nomination_initiatives_initiative_id'), ['initiative_id'], unique=False)


def upgrade():
    # The initiatives table is rebuilt (SQLite batch mode) before any row refers to it: the authors come last.
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authority_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('field', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('state', sa.String(length=16), nullable=False, server_default='recognised'))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('decision_number', sa.String(length=40), nullable=False, server_default=''))
        batch_op.alter_column('scope', existing_type=sa.String(length=16), nullable=True)

    conn = op.get_bind()
    authors = conn.execute(sa.text("SELECT id, nominee_id FROM initiatives")).all()
    for initiative_id, nominee_id in authors:
        unit_id, authority_id = _authority_of(conn, nominee_id)
        conn.execute(
            sa.text("UPDATE initiatives SET authority_id = :a, unit_id = :u WHERE id = :id"),
            {"a": authority_id, "u": unit_id, "id": initiative_id},
        )

    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.alter_column('authority_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('field', existing_type=sa.String(length=200), server_default=None)
        batch_op.alter_column('state', existing_type=sa.String(length=16), server_default=None)
        batch_op.alter_column('version', existing_type=sa.Integer(), server_default=None)
        batch_op.alter_column('decision_number', existing_type=sa.String(length=40), server_default=None)
        batch_op.drop_index(batch_op.f('ix_initiatives_nominee_id'))
        batch_op.drop_constraint(batch_op.f('fk_initiatives_nominee_id_nominees'), type_='foreignkey')
        batch_op.drop_column('nominee_id')
        batch_op.create_index(batch_op.f('ix_initiatives_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiatives_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiatives_state'), ['state'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_initiatives_authority_id_authorities'), 'authorities', ['authority_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_initiatives_unit_id_units'), 'units', ['unit_id'], ['id'])
        batch_op.create_check_constraint(
            op.f('ck_initiatives_state_known'), "state IN ('proposed', 'recognised', 'not_recognised')"
        )
        batch_op.create_check_constraint(op.f('ck_initiatives_year_range'), 'year BETWEEN 1945 AND 2200')
        batch_op.create_check_constraint(
            op.f('ck_initiatives_recognised_has_scope'), "state <> 'recognised' OR scope IS NOT NULL"
        )

    _create_link_tables()
    for initiative_id, nominee_id in authors:
        conn.execute(
            sa.text("INSERT INTO initiative_authors (initiative_id, nominee_id, share) VALUES (:i, :n, 100)"),
            {"i": initiative_id, "n": nominee_id},
        )


def downgrade():
    conn = op.get_bind()
    # Read before the link tables go (and before the initiatives table is rebuilt with nothing referring to it).
    lead_authors = conn.execute(
        sa.text(
            "SELECT i.id, (SELECT a.nominee_id FROM initiative_authors a WHERE a.initiative_id = i.id "
            "ORDER BY a.share DESC, a.nominee_id LIMIT 1) FROM initiatives i WHERE i.state = 'recognised'"
        )
    ).all()
    with op.batch_alter_table('nomination_initiatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nomination_initiatives_initiative_id'))
    op.drop_table('nomination_initiatives')
    with op.batch_alter_table('initiative_authors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_authors_nominee_id'))
    op.drop_table('initiative_authors')

    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nominee_id', sa.Integer(), nullable=True))
    for initiative_id, nominee_id in lead_authors:
        conn.execute(
            sa.text("UPDATE initiatives SET nominee_id = :n WHERE id = :id"), {"n": nominee_id, "id": initiative_id}
        )
    conn.execute(sa.text("DELETE FROM initiatives WHERE nominee_id IS NULL"))

    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_initiatives_recognised_has_scope'), type_='check')
        batch_op.drop_constraint(op.f('ck_initiatives_year_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_initiatives_state_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_initiatives_unit_id_units'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_initiatives_authority_id_authorities'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_initiatives_state'))
        batch_op.drop_index(batch_op.f('ix_initiatives_unit_id'))
        batch_op.drop_index(batch_op.f('ix_initiatives_authority_id'))
        batch_op.alter_column('nominee_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('scope', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_initiatives_nominee_id_nominees'), 'nominees', ['nominee_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_initiatives_nominee_id'), ['nominee_id'], unique=False)
        batch_op.drop_column('decision_number')
        batch_op.drop_column('version')
        batch_op.drop_column('state')
        batch_op.drop_column('field')
        batch_op.drop_column('unit_id')
        batch_op.drop_column('authority_id')
