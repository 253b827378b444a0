"""documents.removed: a document the unit took out of its dossier (kept, no longer counted)

Revision ID: b5d7f9a1c3e6
Revises: e2b4d6f8a0c1
Create Date: 2026-12-11 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b5d7f9a1c3e6'
down_revision = 'e2b4d6f8a0c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('removed')
