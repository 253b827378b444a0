"""decision signed copy

Revision ID: a7c3e5f1d2b4
Revises: c4d6e8f0a1b3
Create Date: 2026-12-09 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e5f1d2b4'
down_revision = 'c4d6e8f0a1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_copy_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('signed_copy_filename', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('signed_copy_media_type', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('signed_copy_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signed_copy_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_decisions_signed_copy_only_when_signed'),
            "signed_copy_sha256 IS NULL OR state IN ('signed', 'published', 'revoked')",
        )


def downgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_decisions_signed_copy_only_when_signed'), type_='check')
        batch_op.drop_column('signed_copy_at')
        batch_op.drop_column('signed_copy_size')
        batch_op.drop_column('signed_copy_media_type')
        batch_op.drop_column('signed_copy_filename')
        batch_op.drop_column('signed_copy_sha256')
