"""notification_preferences: a user's e-mail topic groups turned off and the daily digest choice

Revision ID: 6e4310a6fa88
Revises: f3a9c1d7b2e4
Create Date: 2026-12-12 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6e4310a6fa88'
down_revision = 'f3a9c1d7b2e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email_off', sa.JSON(), nullable=False),
        sa.Column('daily_digest', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preferences')),
    )


def downgrade():
    op.drop_table('notification_preferences')
