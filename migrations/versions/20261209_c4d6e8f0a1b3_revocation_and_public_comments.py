"""revocation decision on registry entries, public comments

Revision ID: c4d6e8f0a1b3
Revises: 5d2e8c41a9f3
Create Date: 2026-12-09 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d6e8f0a1b3'
down_revision = '5d2e8c41a9f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registry_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_by_decision_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_registry_entries_revoked_by_decision_id_decisions'),
            'decisions',
            ['revoked_by_decision_id'],
            ['id'],
        )
    op.create_table(
        'public_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('contact', sa.String(length=200), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['nomination_id'], ['nominations.id'], name=op.f('fk_public_comments_nomination_id_nominations')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_comments')),
    )
    with op.batch_alter_table('public_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_comments_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_comments_nomination_id'), ['nomination_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_comments_received_at'), ['received_at'], unique=False)


def downgrade():
    op.drop_table('public_comments')
    with op.batch_alter_table('registry_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registry_entries_revoked_by_decision_id_decisions'), type_='foreignkey')
        batch_op.drop_column('revoked_by_decision_id')
