"""movement plans: purposes, requirements, forms, organisation, clusters; contents as keyed items; closed_on

Revision ID: a4c7e2b9d1f6
Revises: a4c6e8f0b2d1
Create Date: 2026-12-13 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4c7e2b9d1f6'
down_revision = 'a4c6e8f0b2d1'
branch_labels = None
depends_on = None

PLAN_LISTS = ('purposes', 'requirements', 'forms', 'organisation', 'clusters')


def upgrade():
    with op.batch_alter_table('movements', schema=None) as batch_op:
        for name in PLAN_LISTS:
            batch_op.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
    with op.batch_alter_table('movements', schema=None) as batch_op:
        for name in PLAN_LISTS:
            batch_op.alter_column(name, existing_type=sa.JSON(), server_default=None)
    # Contents were plain strings: give each a key and an empty target list.
    movements = sa.table('movements', sa.column('id', sa.Integer), sa.column('contents', sa.JSON))
    connection = op.get_bind()
    for row in connection.execute(sa.select(movements.c.id, movements.c.contents)).all():
        items = [
            item if isinstance(item, dict) else {'key': f'c{n}', 'title': str(item), 'targets': []}
            for n, item in enumerate(row.contents or [], start=1)
        ]
        connection.execute(movements.update().where(movements.c.id == row.id).values(contents=items))


def downgrade():
    movements = sa.table('movements', sa.column('id', sa.Integer), sa.column('contents', sa.JSON))
    connection = op.get_bind()
    for row in connection.execute(sa.select(movements.c.id, movements.c.contents)).all():
        titles = [item['title'] if isinstance(item, dict) else item for item in row.contents or []]
        connection.execute(movements.update().where(movements.c.id == row.id).values(contents=titles))
    with op.batch_alter_table('movements', schema=None) as batch_op:
        batch_op.drop_column('closed_on')
        for name in PLAN_LISTS:
            batch_op.drop_column(name)
