"""The database connection drops while a request is writing: the person gets a Vietnamese 503 page (an API client a
problem document) with Retry-After, nothing of the request is kept, the failure is logged, and the next request
works on a fresh connection.

The drop is real, not a stand-in for our code: the first time the app is about to write the transition's outbox
event (its last statement, after the state UPDATE and the audit INSERT), the connection under it is cut. On
PostgreSQL a second connection terminates the app's backend with `pg_terminate_backend`, as an operator, a
restart or a failover does, and psycopg then fails on a dead socket. SQLite has no server to drop a connection, so
the app's own sqlite3 connection is closed under it, the nearest a file database comes to a dropped connection;
the hook (an SQLAlchemy event) only chooses the moment."""

import logging
import re
from contextlib import contextmanager

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.pool import NullPool

from models import AuditEntry, Dossier, OutboxMessage, db
from tests.conftest import csrf_token_from

OUTBOX_INSERT = "INSERT INTO outbox_messages"


def cut(conn, admin) -> None:
    """Cut this SQLAlchemy connection's database connection: the server ends it, or SQLite's is closed."""
    dbapi_connection = conn.connection.dbapi_connection
    if admin is None:
        dbapi_connection.close()
        return
    with admin.connect() as other:
        # The timeout (ms) waits until the backend has really exited.
        ended = other.scalar(
            text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": dbapi_connection.info.backend_pid}
        )
    assert ended


def admin_engine():
    return create_engine(db.engine.url, poolclass=NullPool) if db.engine.dialect.name == "postgresql" else None


@contextmanager
def connection_dropped_before(statement_start: str):
    """Cut the app's database connection the first time a statement starting with `statement_start` is about to
    run; yields the list of statements it was cut before (one at most)."""
    done: list[str] = []
    admin = admin_engine()

    def cut_once(conn, _cursor, statement, _parameters, _context, _executemany):
        if done or not statement.lstrip().startswith(statement_start):
            return
        done.append(statement)
        cut(conn, admin)

    event.listen(db.engine, "before_cursor_execute", cut_once)
    try:
        yield done
    finally:
        event.remove(db.engine, "before_cursor_execute", cut_once)
        if admin is not None:
            admin.dispose()


def written() -> tuple:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
        db.session.scalar(select(func.count()).select_from(OutboxMessage)),
    )


def state_of(dossier: Dossier) -> tuple[str, int]:
    db.session.expire_all()
    return dossier.state, dossier.version


def test_api_transition_cut_off_mid_write_is_a_503_problem_and_nothing_is_kept(client, make_dossier, bearer, caplog):
    dossier = make_dossier()
    headers = bearer("canbo.pleikan")
    before = written()
    body = {"trigger": "submit_to_head", "version": 1, "data": {"comment": "Kính trình"}}
    path = f"/api/v1/dossiers/{dossier.id}/transitions"

    with caplog.at_level(logging.ERROR), connection_dropped_before(OUTBOX_INSERT) as done:
        answer = client.post(path, json=body, headers=headers)

    assert done, "the transition never reached its outbox INSERT"
    assert answer.status_code == 503
    assert answer.content_type == "application/problem+json"
    assert answer.headers["Retry-After"] == "5"
    assert answer.json["title"] == "Mất kết nối cơ sở dữ liệu"
    assert "không có gì bị ghi dở dang" in answer.json["detail"]
    assert "Traceback" not in answer.get_data(as_text=True)
    assert any(f"database unavailable on POST {path}" in r.getMessage() for r in caplog.records)
    # Neither the state change nor its audit entry nor its event survived the cut.
    assert state_of(dossier) == ("draft", 1)
    assert written() == before

    # The next request gets a working connection and does the transition, once.
    again = client.post(path, json=body, headers=headers)
    assert again.status_code == 200, again.get_data(as_text=True)
    assert again.json["state"] == "awaiting_head"
    assert state_of(dossier) == ("awaiting_head", 2)
    assert written() == (before[0] + 1, before[1] + 1)


def test_button_pressed_as_the_connection_drops_shows_a_vietnamese_503_page_then_the_page_works(
    client, auth, make_dossier
):
    dossier = make_dossier()
    auth.login("canbo.pleikan")
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    form = {"csrf_token": csrf_token_from(page), "version": "1", "comment": "Kính trình"}

    with connection_dropped_before(OUTBOX_INSERT) as done:
        answer = client.post(f"/dossiers/{dossier.id}/actions/submit_to_head", data=form)

    assert done
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    html = answer.get_data(as_text=True)
    assert "Mất kết nối cơ sở dữ liệu" in html and "Vui lòng tải lại trang sau ít giây" in html
    assert "Traceback" not in html
    assert state_of(dossier) == ("draft", 1)

    # Reloading the dossier works, and the button does what it says.
    reloaded = client.get(f"/dossiers/{dossier.id}")
    assert reloaded.status_code == 200
    assert re.search(r"Trình Thủ trưởng ký", reloaded.get_data(as_text=True))
    done = client.post(f"/dossiers/{dossier.id}/actions/submit_to_head", data=form)
    assert done.status_code == 302
    assert state_of(dossier) == ("awaiting_head", 2)


def test_a_read_cut_off_is_a_503_and_the_next_read_works(client, make_dossier, bearer):
    dossier = make_dossier()
    headers = bearer("noivu")
    path = f"/api/v1/dossiers/{dossier.id}"

    with connection_dropped_before("SELECT") as done:
        answer = client.get(path, headers=headers)

    assert done
    assert answer.status_code == 503 and answer.json["status"] == 503
    assert client.get(path, headers=headers).json["state"] == "draft"


def test_connection_dropped_after_the_answer_was_made_keeps_the_answer(client, make_dossier, bearer, caplog):
    """The request's last act is ending its (read) transaction; the connection is cut just before that ROLLBACK."""
    dossier = make_dossier()
    headers = bearer("noivu")
    admin = admin_engine()
    done: list[bool] = []

    def cut_before_rollback(conn):
        if not done:
            done.append(True)
            cut(conn, admin)

    event.listen(db.engine, "rollback", cut_before_rollback)
    try:
        with caplog.at_level(logging.WARNING):
            answer = client.get(f"/api/v1/dossiers/{dossier.id}", headers=headers)
    finally:
        event.remove(db.engine, "rollback", cut_before_rollback)
        if admin is not None:
            admin.dispose()

    assert done
    assert answer.status_code == 200 and answer.json["state"] == "draft"
    assert any("connection lost after the answer was made" in r.getMessage() for r in caplog.records)
    assert client.get(f"/api/v1/dossiers/{dossier.id}", headers=headers).status_code == 200
