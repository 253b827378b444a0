"""movement units: each movement year's deadlines, registrations' titles, targets and plan, reports' document,
figures and return (a report may be returned)

Revision ID: 294fdf21f8f3
Revises: d8e1f3a5b7c9
Create Date: 2026-12-13 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '294fdf21f8f3'
down_revision = 'd8e1f3a5b7c9'
branch_labels = None
depends_on = None

REGISTRATION_COLUMNS = (
    ('collective_title', sa.String(length=40), ''),
    ('individual_targets', sa.JSON(), '{}'),
    ('content_targets', sa.JSON(), '{}'),
    ('plan_name', sa.String(length=255), ''),
    ('plan_media_type', sa.String(length=100), ''),
)
REPORT_COLUMNS = (
    ('figures', sa.JSON(), '{}'),
    ('document_name', sa.String(length=255), ''),
    ('document_media_type', sa.String(length=100), ''),
    ('return_reason', sa.Text(), ''),
)


def upgrade():
    op.create_table('movement_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('movement_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('registration_due', sa.Date(), nullable=True),
    sa.Column('report_due', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['movement_id'], ['movements.id'], name=op.f('fk_movement_years_movement_id_movements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movement_years')),
    sa.UniqueConstraint('movement_id', 'year', name=op.f('uq_movement_years_movement_id_year'))
    )
    with op.batch_alter_table('movement_years', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_movement_years_movement_id'), ['movement_id'], unique=False)

    with op.batch_alter_table('movement_registrations', schema=None) as batch_op:
        for name, type_, default in REGISTRATION_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=default))
        batch_op.add_column(sa.Column('plan_sha256', sa.String(length=64), nullable=True))
    with op.batch_alter_table('movement_registrations', schema=None) as batch_op:
        for name, type_, _ in REGISTRATION_COLUMNS:
            batch_op.alter_column(name, existing_type=type_, server_default=None)

    with op.batch_alter_table('unit_reports', schema=None) as batch_op:
        for name, type_, default in REPORT_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=default))
        batch_op.add_column(sa.Column('document_sha256', sa.String(length=64), nullable=True))
        batch_op.drop_constraint(op.f('ck_unit_reports_state_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_unit_reports_state_known'), "state IN ('due', 'submitted', 'reviewed', 'returned')"
        )
    with op.batch_alter_table('unit_reports', schema=None) as batch_op:
        for name, type_, _ in REPORT_COLUMNS:
            batch_op.alter_column(name, existing_type=type_, server_default=None)


def downgrade():
    with op.batch_alter_table('unit_reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_unit_reports_state_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_unit_reports_state_known'), "state IN ('due', 'submitted', 'reviewed')"
        )
        batch_op.drop_column('document_sha256')
        for name, _, _ in REPORT_COLUMNS:
            batch_op.drop_column(name)

    with op.batch_alter_table('movement_registrations', schema=None) as batch_op:
        batch_op.drop_column('plan_sha256')
        for name, _, _ in REGISTRATION_COLUMNS:
            batch_op.drop_column(name)

    with op.batch_alter_table('movement_years', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_movement_years_movement_id'))

    op.drop_table('movement_years')
