"""golden book register: number_registers also counts the authority's golden book (doc_type 'SV')

Revision ID: e2b4d6f8a0c1
Revises: a7c3e5f1d2b4
Create Date: 2026-12-10 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e2b4d6f8a0c1'
down_revision = 'a7c3e5f1d2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('number_registers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_number_registers_doc_type_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_number_registers_doc_type_known'), "doc_type IN ('QĐ', 'TTr', 'BB', 'BC', 'KH', 'SV')"
        )


def downgrade():
    # The golden-book counters cannot satisfy the narrower CHECK; the numbers already written stay on the entries.
    op.execute(sa.text("DELETE FROM number_registers WHERE doc_type = 'SV'"))
    with op.batch_alter_table('number_registers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_number_registers_doc_type_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_number_registers_doc_type_known'), "doc_type IN ('QĐ', 'TTr', 'BB', 'BC', 'KH')"
        )
