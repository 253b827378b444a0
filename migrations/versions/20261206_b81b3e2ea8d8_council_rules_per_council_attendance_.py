"""council rules per council, attendance status, poll tallies, no ballot rows

Revision ID: b81b3e2ea8d8
Revises: 3c5e9a1d7b42
Create Date: 2026-12-06 10:41:58.272824

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b81b3e2ea8d8'
down_revision = '3c5e9a1d7b42'
branch_labels = None
depends_on = None


def upgrade():
    # A secret vote no longer writes a ballot row: it marks the participation and adds to the poll's counters.
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_poll_id'))
    op.drop_table('ballots')

    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=8), nullable=False, server_default='absent'))
    op.execute("UPDATE attendances SET status = CASE WHEN present THEN 'present' ELSE 'absent' END")
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
        batch_op.drop_column('present')
        batch_op.create_check_constraint(
            op.f('ck_attendances_status_known'), "status IN ('present', 'absent', 'written')"
        )

    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_base', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('absent_may_vote_in_writing', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('recuse_own_unit', sa.Boolean(), nullable=True))
        batch_op.alter_column('secret_ballot', existing_type=sa.BOOLEAN(), nullable=True)
        batch_op.create_check_constraint(
            op.f('ck_councils_approval_base_known'),
            "approval_base IS NULL OR approval_base IN ('total', 'present')",
        )

    with op.batch_alter_table('poll_participations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voted', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('choice', sa.String(length=8), nullable=True))
    with op.batch_alter_table('poll_participations', schema=None) as batch_op:
        batch_op.alter_column('voted', server_default=None)
        batch_op.create_check_constraint(op.f('ck_poll_participations_recused_cannot_vote'), "NOT (recused AND voted)")
        batch_op.create_check_constraint(
            op.f('ck_poll_participations_choice_only_when_voted'),
            "choice IS NULL OR (voted AND choice IN ('yes', 'no', 'abstain'))",
        )

    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=10), nullable=False, server_default='electronic'))
        batch_op.add_column(sa.Column('base', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('base_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pass_ratio', sa.Numeric(precision=5, scale=4), nullable=True))
        batch_op.add_column(sa.Column('invalid_count', sa.Integer(), nullable=True))
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.alter_column('mode', server_default=None)
        batch_op.create_check_constraint(op.f('ck_polls_mode_known'), "mode IN ('electronic', 'paper')")
        batch_op.create_check_constraint(op.f('ck_polls_base_known'), "base IS NULL OR base IN ('total', 'present')")
        batch_op.create_check_constraint(
            op.f('ck_polls_votes_within_entitled'),
            "coalesce(yes_count, 0) + coalesce(no_count, 0) + coalesce(abstain_count, 0) + coalesce(invalid_count, 0)"
            " <= coalesce(entitled_count, 0)",
        )


def downgrade():
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_polls_votes_within_entitled'), type_='check')
        batch_op.drop_constraint(op.f('ck_polls_base_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_polls_mode_known'), type_='check')
        batch_op.drop_column('invalid_count')
        batch_op.drop_column('pass_ratio')
        batch_op.drop_column('base_count')
        batch_op.drop_column('base')
        batch_op.drop_column('mode')

    with op.batch_alter_table('poll_participations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_poll_participations_choice_only_when_voted'), type_='check')
        batch_op.drop_constraint(op.f('ck_poll_participations_recused_cannot_vote'), type_='check')
        batch_op.drop_column('choice')
        batch_op.drop_column('voted')

    op.execute("UPDATE councils SET secret_ballot = true WHERE secret_ballot IS NULL")
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_councils_approval_base_known'), type_='check')
        batch_op.alter_column('secret_ballot', existing_type=sa.BOOLEAN(), nullable=False)
        batch_op.drop_column('recuse_own_unit')
        batch_op.drop_column('absent_may_vote_in_writing')
        batch_op.drop_column('approval_base')

    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('present', sa.BOOLEAN(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE attendances SET present = (status = 'present')")
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.alter_column('present', server_default=None)
        batch_op.drop_constraint(op.f('ck_attendances_status_known'), type_='check')
        batch_op.drop_column('status')

    op.create_table('ballots',
    sa.Column('id', sa.VARCHAR(length=32), nullable=False),
    sa.Column('poll_id', sa.INTEGER(), nullable=False),
    sa.Column('choice', sa.VARCHAR(length=8), nullable=False),
    sa.CheckConstraint("choice IN ('yes', 'no', 'abstain')", name=op.f('ck_ballots_choice_known')),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_ballots_poll_id_polls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots'))
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_poll_id'), ['poll_id'], unique=False)
