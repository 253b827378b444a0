"""keyed audit chain, truncate guard

Revision ID: 65047f4573b2
Revises: 4a11be19b6f0
Create Date: 2026-12-06 06:36:51.635512

"""
import hashlib
import hmac
import json
import os
from datetime import UTC

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '65047f4573b2'
down_revision = '4a11be19b6f0'
branch_labels = None
depends_on = None

# The key in force at upgrade time, read as config/__init__.py reads it: this converts the existing chain
# (development databases) once, so export the production AUDIT_HMAC_KEY before `flask db upgrade`.
DEV_AUDIT_KEY = 'dev-only-audit-key'
GENESIS = '0' * 64
BATCH = 1000

NO_TRUNCATE = """
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
"""

entries = sa.table(
    'audit_entries',
    sa.column('id', sa.Integer()),
    sa.column('occurred_at', sa.DateTime(timezone=True)),
    sa.column('actor_id', sa.Integer()),
    sa.column('entity_type', sa.String()),
    sa.column('entity_id', sa.Integer()),
    sa.column('dossier_id', sa.Integer()),
    sa.column('action', sa.String()),
    sa.column('from_state', sa.String()),
    sa.column('to_state', sa.String()),
    sa.column('data', sa.JSON()),
    sa.column('prev_hash', sa.String()),
    sa.column('hash', sa.String()),
)


def upgrade():
    _rehash(old=_sha256, new=_keyed(_key()))
    if op.get_bind().dialect.name == 'postgresql':
        # audit_entries_append_only() refuses UPDATE and DELETE per row; now TRUNCATE too, per statement.
        op.execute(NO_TRUNCATE)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries')
    _rehash(old=_keyed(_key()), new=_sha256)


def _key():
    return os.environ.get('AUDIT_HMAC_KEY', DEV_AUDIT_KEY).encode()


# The hashing of workflow/audit.py at this revision, copied so the revision never changes with the code.
def _canonical(row):
    occurred_at = row.occurred_at
    occurred_at = occurred_at.replace(tzinfo=UTC) if occurred_at.tzinfo is None else occurred_at
    fields = {
        'occurred_at': occurred_at.astimezone(UTC).isoformat(timespec='microseconds'),
        'dossier_id': row.dossier_id,
        'actor_id': row.actor_id,
        'entity_type': row.entity_type,
        'entity_id': row.entity_id,
        'action': row.action,
        'from_state': row.from_state,
        'to_state': row.to_state,
        'data': row.data,
    }
    return json.dumps(fields, sort_keys=True, separators=(',', ':'), ensure_ascii=False, default=str).encode()


def _sha256(prev_hash, body):
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()


def _keyed(key):
    return lambda prev_hash, body: hmac.new(key, prev_hash.encode() + body, hashlib.sha256).hexdigest()


def _rehash(old, new):
    """Check every entry under the old algorithm, then rewrite its links and hash under the new one. A chain that
    does not hold is refused: converting it would launder whatever was altered."""
    bind = op.get_bind()
    postgresql = bind.dialect.name == 'postgresql'
    if postgresql:
        op.execute('ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only')
    update = (
        entries.update()
        .where(entries.c.id == sa.bindparam('entry_id'))
        .values(prev_hash=sa.bindparam('new_prev'), hash=sa.bindparam('new_hash'))
    )
    old_prev, new_prev, last_id = GENESIS, GENESIS, 0
    while True:
        rows = bind.execute(sa.select(entries).where(entries.c.id > last_id).order_by(entries.c.id).limit(BATCH)).all()
        if not rows:
            break
        changes = []
        for row in rows:
            body = _canonical(row)
            if row.prev_hash != old_prev or old(old_prev, body) != row.hash:
                raise RuntimeError(
                    f'audit entry #{row.id} does not match its hash under the old algorithm (or AUDIT_HMAC_KEY is '
                    'not the key the log was written with): the log was altered; investigate before migrating'
                )
            new_hash = new(new_prev, body)
            changes.append({'entry_id': row.id, 'new_prev': new_prev, 'new_hash': new_hash})
            old_prev, new_prev, last_id = row.hash, new_hash, row.id
        bind.execute(update, changes)
    if postgresql:
        op.execute('ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only')
