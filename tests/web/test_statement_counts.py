"""Every page and API list a user opens sends a fixed number of SQL statements, whatever the number of rows.

Each page is opened on the demo story with a province's history of 60 more dossiers (with their nominations,
documents, audit trail, council sessions, decisions and registry entries, written by benchmarks/history.py), then
again after 240 more have landed on the same lists: a query per row would show as more statements. The bounds
are the counts measured when the lists were made to load their related rows with the page (docs: issue 15)."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from benchmarks.history import write_history
from models import AgendaItem, CouncilSession, Dossier, Nomination, db
from tests.statements import counting_statements

# (user, path, most statements): the list pages and home pages, measured before and after the history lands.
LISTS = [
    ("canbo.pleikan", "/unit", 14),
    ("truong.pleikan", "/unit", 14),
    ("noivu", "/office", 12),
    ("thuky", "/secretary", 10),
    ("chutich", "/chairman", 10),
    ("uyvien1", "/council", 10),
    ("admin", "/admin", 8),
    ("noivu", "/dossiers", 8),
    ("noivu", "/dossiers?page=2", 8),
    ("noivu", "/dossiers?state=closed", 8),
    ("noivu", "/dossiers?year=2024", 8),
    ("noivu", "/dossiers?overdue=1", 8),
    ("canbo.pleikan", "/dossiers", 8),
    ("noivu", "/registry", 14),
    ("noivu", "/registry?name=nguyen", 14),
    ("noivu", "/registry?year=2024", 14),
    ("noivu", "/decisions", 8),
    ("thuky", "/dashboard", 40),
    ("noivu", "api:/api/v1/dossiers", 10),
    ("noivu", "api:/api/v1/dossiers?state=closed", 10),
    ("noivu", "api:/api/v1/dossiers?year=2024&per_page=50", 10),
    ("noivu", "api:/api/v1/registry", 12),
    ("noivu", "api:/api/v1/registry?name=nguyen", 12),
    ("noivu", "api:/api/v1/decisions", 9),
]


def _open(client, path: str, token: str | None) -> tuple[int, int, str]:
    """(status, statements, their text) of one request, after an untimed first one (caches warm)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client.get(path, headers=headers)
    with counting_statements(db.engine) as log:
        answer = client.get(path, headers=headers)
    return answer.status_code, log.count, str(log)


def _session_for(app, auth_client_cache: dict, username: str, api: bool):
    key = (username, api)
    if key not in auth_client_cache:
        client = app.test_client()
        if api:
            answer = client.post("/api/v1/auth/tokens", json={"username": username, "password": "demo"})
            auth_client_cache[key] = (client, answer.get_json()["token"])
        else:
            from tests.conftest import AuthActions

            AuthActions(client).login(username)
            auth_client_cache[key] = (client, None)
    return auth_client_cache[key]


def _counts(app, pages, cache) -> dict[str, tuple[int, int, str]]:
    found = {}
    for username, path, _bound in pages:
        api = path.startswith("api:")
        client, token = _session_for(app, cache, username, api)
        found[f"{username} {path}"] = _open(client, path.removeprefix("api:"), token)
    return found


def test_lists_send_as_many_statements_with_five_times_the_dossiers(app, demo_story):
    cache: dict = {}
    write_history(db.session, 60, random.Random(15))
    before = _counts(app, LISTS, cache)
    written = write_history(db.session, 240, random.Random(16))
    assert written["dossiers"] == 240 and written["nominations"] > 240
    after = _counts(app, LISTS, cache)
    for (_user, _path, bound), key in zip(LISTS, before, strict=True):
        status, count, log = after[key]
        assert status == 200, key
        assert before[key][0] == 200, key
        assert count <= bound, f"{key}: {count} statements, bound {bound}\n{log}"
        assert count == before[key][1], f"{key}: {before[key][1]} statements before, {count} after\n{log}"


def _largest(statement):
    return db.session.scalar(statement.limit(1))


def test_detail_pages_send_as_many_statements_for_a_big_dossier_as_for_a_small_one(app, demo_story):
    """The dossier page, its timeline, a nomination's appraisal and a council session: the demo's (a few rows)
    against the generated history's biggest (up to nine nominations, a 150-item agenda)."""
    demo_dossier = _largest(select(Dossier.id).where(Dossier.state == "closed").order_by(Dossier.id))
    demo_nomination = _largest(
        select(Nomination.id).join(Dossier).where(Dossier.state == "accepted").order_by(Nomination.id)
    )
    demo_session = _largest(
        select(CouncilSession.id).where(CouncilSession.state == "closed").order_by(CouncilSession.id)
    )
    write_history(db.session, 400, random.Random(15))
    big_dossier = _largest(
        select(Dossier.id)
        .join(Nomination)
        .where(Dossier.state == "closed", Dossier.id > demo_dossier, Dossier.procedure == "regular")
        .group_by(Dossier.id)
        .order_by(func.count(Nomination.id).desc(), Dossier.id)
    )
    big_nomination = _largest(
        select(Nomination.id).join(Dossier).where(Dossier.state == "accepted", Nomination.id > demo_nomination)
    )
    big_session = _largest(
        select(CouncilSession.id)
        .join(AgendaItem)
        .where(CouncilSession.state == "closed")
        .group_by(CouncilSession.id)
        .order_by(func.count(AgendaItem.id).desc())
    )
    assert db.session.scalar(select(func.count()).where(AgendaItem.session_id == big_session)) > 20
    cache: dict = {}
    pairs = [
        ("noivu", "/dossiers/{}", demo_dossier, big_dossier, 20),
        ("noivu", "/dossiers/{}/timeline", demo_dossier, big_dossier, 8),
        ("noivu", "/nominations/{}/appraisal", demo_nomination, big_nomination, 45),
        ("thuky", "/council/sessions/{}", demo_session, big_session, 50),
    ]
    for username, pattern, small, big, bound in pairs:
        client, _ = _session_for(app, cache, username, False)
        status_small, count_small, _log = _open(client, pattern.format(small), None)
        status_big, count_big, log = _open(client, pattern.format(big), None)
        assert status_small == status_big == 200, pattern
        assert count_big <= bound, f"{pattern}: {count_big} statements, bound {bound}\n{log}"
        assert count_big <= count_small + 2, f"{pattern}: {count_small} small, {count_big} big\n{log}"
