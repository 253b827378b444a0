"""The indexes on the searched tables' folded `search_key` (kept by workflow/search/keys.py): on PostgreSQL a GIN
trigram index, which serves `LIKE '%…%'`; on SQLite, which has no such index, a plain one."""

from sqlalchemy import Index

from models.decision import Decision
from models.dossier import Dossier, Initiative, Nominee
from models.org import Unit

SEARCHED = (Dossier, Nominee, Unit, Initiative, Decision)

for _model in SEARCHED:
    Index(
        f"ix_{_model.__tablename__}_search_key",
        _model.search_key,
        postgresql_using="gin",
        postgresql_ops={"search_key": "gin_trgm_ops"},
    )
