"""decision items, decision content

Revision ID: 5d2e8c41a9f3
Revises: b81b3e2ea8d8
Create Date: 2026-12-08 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2e8c41a9f3'
down_revision = 'b81b3e2ea8d8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'decision_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('achievement', sa.Text(), nullable=False),
        sa.Column('amount_vnd', sa.BigInteger(), nullable=True),
        sa.CheckConstraint('amount_vnd IS NULL OR amount_vnd >= 0', name=op.f('ck_decision_items_amount_non_negative')),
        sa.CheckConstraint('position >= 1', name=op.f('ck_decision_items_position_positive')),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_items_decision_id_decisions')),
        sa.ForeignKeyConstraint(
            ['nomination_id'], ['nominations.id'], name=op.f('fk_decision_items_nomination_id_nominations')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_items')),
        sa.UniqueConstraint('decision_id', 'nomination_id', name=op.f('uq_decision_items_decision_id_nomination_id')),
    )
    with op.batch_alter_table('decision_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_items_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_items_nomination_id'), ['nomination_id'], unique=False)

    # Existing decisions (none are drafted by the system yet) start with empty content.
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.alter_column('content', existing_type=sa.JSON(), server_default=None)


def downgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('content')

    with op.batch_alter_table('decision_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_items_nomination_id'))
        batch_op.drop_index(batch_op.f('ix_decision_items_decision_id'))
    op.drop_table('decision_items')
