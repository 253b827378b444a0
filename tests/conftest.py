"""Shared fixtures. The database is TEST_DATABASE_URL (PostgreSQL in `make test`) or a SQLite file.

The schema is built once per run by the real Alembic migrations; every test then starts from empty tables."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import uuid
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import Table, create_engine, make_url, select, text
from weasyprint import HTML

from config import TestingConfig
from models import Base, Dossier, Nomination, User, db
from web import configure_workflow, create_app
from workflow.accounts.tokens import issue_token


def _database_url(tmp_dir: Path, worker: str) -> str:
    """SQLite: a file in the run's (per-worker) temporary folder. PostgreSQL: TEST_DATABASE_URL itself, or under
    pytest-xdist one database per worker beside it (`app_test_gw0`, ...), created when missing."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir / 'test.db'}"
    if worker == "master":
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def make_config(database_url: str, upload_dir: Path) -> type[TestingConfig]:
    return type(
        "RunConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_DIR": str(upload_dir),
            "AUDIT_CHECKPOINT_FILE": str(Path(upload_dir).parent / "audit-checkpoints.jsonl"),
            # Room for the concurrency tests' twenty simultaneous transactions.
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 25, "max_overflow": 5},
        },
    )


def reset_postgres_schema(app) -> None:
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, so its own `g` and database session, as in production.

    Without it the request would reuse the test's open app context: one client's cached user and CSRF token
    would leak into the next client's requests."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class _RenderedOnce:
    """WeasyPrint's HTML, whose PDF is laid out once per process for each distinct document.

    WeasyPrint's output is a pure function of the HTML (byte for byte, no date or random id in it), so the second
    rendering of the same document gives the bytes of the first. The suite downloads the same minutes, decisions and
    reports many times over (every role, every hostile query string); each distinct document is still rendered for
    real, by workflow/rendering/pdf.py::render_pdf, the first time it is asked for."""

    pdfs: OrderedDict[tuple[str, str], bytes] = OrderedDict()
    KEEP = 256

    def __init__(self, *, string: str, base_url: str, url_fetcher) -> None:
        self._key = (string, base_url)
        self._html = HTML(string=string, base_url=base_url, url_fetcher=url_fetcher)

    def write_pdf(self) -> bytes:
        if self._key in self.pdfs:
            self.pdfs.move_to_end(self._key)
            return self.pdfs[self._key]
        pdf = self.pdfs[self._key] = self._html.write_pdf()
        if len(self.pdfs) > self.KEEP:
            self.pdfs.popitem(last=False)
        return pdf


@pytest.fixture(scope="session", autouse=True)
def _pdf_once():
    from workflow.rendering import pdf

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "HTML", _RenderedOnce)
        yield


@pytest.fixture(scope="session")
def _app(tmp_path_factory, worker_id):
    tmp_dir = tmp_path_factory.mktemp("db")
    app = create_app(make_config(_database_url(tmp_dir, worker_id), tmp_dir / "uploads"))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        reset_postgres_schema(app)
    with app.app_context():
        upgrade()
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


def filled_tables() -> list[Table]:
    """The tables holding at least one row, found in one statement (a test touches a few of the fifty)."""
    tables = Base.metadata.sorted_tables
    probe = " UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {t.name})" for i, t in enumerate(tables))
    return [tables[i] for i in db.session.scalars(text(probe))]


def _serial_tables(tables) -> list[Table]:
    return [t for t in tables if "id" in t.c and t.c.id.autoincrement is not False and t.c.id.primary_key]


def empty_all_tables() -> None:
    """Delete every row, children first, and restart every id sequence (a rolled-back insert moves one too).

    DELETE of the few filled tables is several times cheaper than TRUNCATE of all fifty on PostgreSQL."""
    filled = filled_tables()
    if db.engine.dialect.name == "postgresql":
        # The audit log refuses deletion by trigger; replica mode (tests run as superuser) skips triggers, and
        # with them the foreign-key checks, for this one transaction only.
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    for table in reversed(filled):
        db.session.execute(text(f"DELETE FROM {table.name}"))
    if db.engine.dialect.name == "postgresql":
        serial = _serial_tables(Base.metadata.sorted_tables)
        restarts = ", ".join(f"setval(pg_get_serial_sequence('{t.name}', 'id'), 1, false)" for t in serial)
        db.session.execute(text(f"SELECT {restarts}"))
    db.session.commit()


@pytest.fixture
def app(_app):
    """The app inside an app context, with every table empty at the start and the end of the test. The settings
    workflow/ keeps per process are the run's own again (a test may have built another app, e.g. production's)."""
    configure_workflow(_app)
    with _app.app_context():
        yield _app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def empty_database_url(_app, tmp_path):
    """A brand-new empty database of the same kind as the test run's."""
    url = make_url(_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"fresh_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def fresh_demo(app):
    """The Ngọc Hồi demo seeded now by `seed_demo`, with its report: for the tests of the seed itself."""
    from workflow.demo.seed import seed_demo

    report = seed_demo(db.session)
    db.session.commit()
    return report


@pytest.fixture(scope="session")
def _demo_rows() -> dict:
    """Every row the demo seed writes, taken once per run after the first seed."""
    return {}


@pytest.fixture
def demo(app, _demo_rows):
    """The Ngọc Hồi demo as `flask seed-demo` loads it, without its demo dossiers (tests make their own). Seeded
    once per run, then put back row for row before each test that asks for it: the same rows, the same ids and
    audit hashes, at a fraction of the seed's cost."""
    from workflow.demo.seed import seed_demo

    if not _demo_rows or filled_tables():
        # First time, or the test wrote rows of its own first: the real (idempotent) seed.
        first = not _demo_rows and not filled_tables()
        seed_demo(db.session)
        db.session.commit()
        if first:
            _demo_rows.update(
                {table: db.session.execute(table.select()).mappings().all() for table in Base.metadata.sorted_tables}
            )
        return
    _put_back(_demo_rows)


def _put_back(snapshot: dict) -> None:
    """Insert a snapshot's rows into the empty tables, ids and all, and move the id sequences past them."""
    for table, rows in snapshot.items():
        if rows:
            db.session.execute(table.insert(), [dict(row) for row in rows])
    if db.engine.dialect.name == "postgresql":
        serial = _serial_tables(table for table, rows in snapshot.items() if rows)
        moves = ", ".join(
            f"setval(pg_get_serial_sequence('{t.name}', 'id'), {max(row['id'] for row in snapshot[t])})" for t in serial
        )
        db.session.execute(text(f"SELECT {moves}"))
    db.session.commit()


@pytest.fixture(scope="session")
def _story_rows() -> dict:
    """Every row of the whole demo, per day the suite is pinned to, taken after its first seed in the run."""
    return {}


@pytest.fixture
def demo_story(app, _story_rows):
    """The whole demo as `flask seed-demo` leaves it: its dossiers in every state, the council sessions, the signed
    decision and the case sent to the province. Seeded once per run and day (about 5 s on PostgreSQL), then put
    back row for row; the files it uploaded stay in the run's upload folder."""
    from workflow.core.today import local_today
    from workflow.demo.seed import seed_demo

    day = local_today()
    if day in _story_rows and not filled_tables():
        _put_back(_story_rows[day])
        return
    seed_demo(db.session, upload_dir=Path(app.config["UPLOAD_DIR"]))
    db.session.commit()
    if day not in _story_rows:
        _story_rows[day] = {t: db.session.execute(t.select()).mappings().all() for t in Base.metadata.sorted_tables}


@pytest.fixture(scope="session")
def _built_rows() -> dict:
    """Per key and day: every row a `built` setup left, and what it returned."""
    return {}


@pytest.fixture
def built(app, _built_rows):
    """`built(key, make)`: the state `make()` leaves, for a setup many tests repeat. The first time in the run (per
    key and day the suite is pinned to), `make()` runs through the services on the empty tables and its rows are
    taken; later, on the empty tables, they are put back row for row, ids and audit hashes and all, and what `make()`
    returned is returned again. So it must return plain values (ids, names), never rows of the session. A test that
    wrote rows of its own first gets `make()` run again. Files it uploaded stay in the run's upload folder."""
    from workflow.core.today import local_today

    def build(key: str, make):
        day = local_today()
        if (key, day) in _built_rows and not filled_tables():
            rows, value = _built_rows[key, day]
            _put_back(rows)
            return copy.deepcopy(value)
        empty = not filled_tables()
        value = make()
        db.session.commit()
        if empty and (key, day) not in _built_rows:
            rows = {t: db.session.execute(t.select()).mappings().all() for t in Base.metadata.sorted_tables}
            _built_rows[key, day] = (rows, value)
        return value

    return build


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


class AuthActions:
    """Logs in through the real login form, CSRF token included (flaskr's AuthActions)."""

    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = "demo", follow_redirects: bool = False):
        page = self._client.get("/login")
        token = csrf_token_from(page.get_data(as_text=True))
        return self._client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            follow_redirects=follow_redirects,
        )

    def logout(self):
        page = self._client.get("/account/language")
        token = csrf_token_from(page.get_data(as_text=True))
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


# A minimal but real PDF: uploads are recognised by content, so tests send real file headers.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def user(app):
    """Look up a (demo) user by username."""

    def find(username: str) -> User:
        found = db.session.scalar(select(User).where(User.username == username))
        assert found is not None, f"no user {username}"
        return found

    return find


@pytest.fixture
def bearer(user):
    """The API's Authorization header for a (demo) user: a fresh token, committed."""

    def headers(username: str) -> dict[str, str]:
        token = issue_token(db.session, user(username)).token
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def make_dossier(app, demo, user):
    """A dossier made through the services, as a unit officer would make it; `complete` uploads every
    document the checklist asks for."""
    from workflow.dossiers import editing as service

    def make(
        officer: str = "canbo.pleikan",
        nominees: tuple[str, ...] = ("Nguyễn Văn An", "Trần Thị Bình"),
        complete: bool = True,
        procedure: str = "regular",
        year: int = 2025,
    ) -> Dossier:
        actor = user(officer)
        dossier = service.create_dossier(
            db.session, actor=actor, procedure=procedure, year=year, title=f"Đề nghị khen thưởng năm {year}"
        )
        for i, name in enumerate(nominees):
            service.add_nomination(
                db.session,
                dossier,
                actor=actor,
                data=service.NomineeInput(
                    kind="person",
                    full_name=name,
                    title_code="LDTT",
                    date_of_birth=date(1980 + i, 1 + i, 10),
                    position="Chuyên viên",
                    annual_rating="good",
                    months_of_service=12,
                ),
            )
        if complete:
            upload_missing(dossier, actor)
        db.session.commit()
        return dossier

    return make


def upload_missing(dossier: Dossier, actor: User) -> None:
    from flask import current_app

    from workflow.dossiers import editing as service

    for item in service.checklist(db.session, dossier).missing:
        nomination = db.session.get(Nomination, item.nomination_id) if item.nomination_id else None
        service.add_document(
            db.session,
            dossier,
            actor=actor,
            kind=item.kind,
            stream=io.BytesIO(PDF_BYTES),
            filename=f"{item.kind}.pdf",
            upload_dir=Path(current_app.config["UPLOAD_DIR"]),
            nomination=nomination,
        )


@pytest.fixture
def other_authority(demo):
    """A second district beside Ngọc Hồi (Đắk Tô, also under Kon Tum) with its own standing office, a commune with
    an officer and a head, a person with a national ID and an award, a name twin of a Ngọc Hồi person, and a
    submitted dossier: what Ngọc Hồi's users must never reach."""
    from models import Authority, Council, RegistryEntry, Role, Unit
    from workflow.accounts.users import create_user
    from workflow.dossiers import editing as service
    from workflow.registry.identity import find_or_create_nominee, record_unit_history

    province = db.session.scalar(select(Authority).where(Authority.code == "UBND-KONTUM"))
    district = Authority(
        code="UBND-DAKTO",
        name="Ủy ban nhân dân huyện Đắk Tô",
        short_name="UBND huyện Đắk Tô",
        level="district",
        place_name="Đắk Tô",
        parent=province,
        valid_from=date(1991, 8, 12),
        valid_to=date(2025, 6, 30),
    )
    office_unit = Unit(
        code="DT-NOIVU",
        name="Phòng Nội vụ huyện Đắk Tô",
        kind="department",
        authority=district,
        valid_from=date(2020, 1, 1),
    )
    commune = Unit(
        code="DT-DIENBINH", name="Xã Diên Bình", kind="commune", authority=district, valid_from=date(2020, 1, 1)
    )
    db.session.add_all([district, office_unit, commune])
    db.session.flush()
    db.session.add(
        Council(
            authority_id=district.id,
            name="Hội đồng Thi đua – Khen thưởng huyện Đắk Tô",
            standing_office=office_unit,
            term_start=date(2020, 1, 1),
            secret_ballot=True,
        )
    )
    users = {
        "noivu.dakto": create_user(
            db.session,
            username="noivu.dakto",
            full_name="Hồ Thị Vân",
            password="demo",
            roles=(Role.OFFICE,),
            unit_id=office_unit.id,
        ),
        "canbo.dienbinh": create_user(
            db.session,
            username="canbo.dienbinh",
            full_name="A Tuấn",
            password="demo",
            roles=(Role.UNIT_OFFICER,),
            unit_id=commune.id,
        ),
        "truong.dienbinh": create_user(
            db.session,
            username="truong.dienbinh",
            full_name="Y Lan",
            password="demo",
            roles=(Role.UNIT_HEAD,),
            unit_id=commune.id,
        ),
    }
    db.session.flush()
    people = {}
    for key, name, national_id, birth in (
        ("dung", "Phan Văn Dũng", "062079004321", date(1979, 5, 2)),
        ("an_twin", "Nguyễn Văn An", None, date(1985, 3, 12)),
    ):
        person = find_or_create_nominee(
            db.session,
            kind="person",
            full_name=name,
            date_of_birth=birth,
            national_id=national_id,
            gender=None,
            unit_id=commune.id,
        )
        record_unit_history(db.session, person, year=2023, unit_id=commune.id)
        db.session.add(
            RegistryEntry(
                nominee=person,
                title_code="CSTDCS",
                year=2023,
                decision_number="77/QĐ-UBND",
                decision_date=date(2024, 1, 20),
                deciding_authority=district.name,
                authority_id=district.id,
                basis="regular",
                source="import",
            )
        )
        people[key] = person
    dossier = service.create_dossier(
        db.session,
        actor=users["canbo.dienbinh"],
        procedure="regular",
        year=2024,
        title="Đề nghị khen thưởng Diên Bình năm 2024",
    )
    db.session.commit()
    return {
        "authority": district,
        "office_unit": office_unit,
        "commune": commune,
        "users": users,
        "people": people,
        "dossier": dossier,
    }


# The day the suite runs on, unless a test says otherwise with @pytest.mark.today("YYYY-MM-DD"): a Monday in the
# last weeks of Ngọc Hồi district (it ended on 30 June 2025), under the 2024–2025 rule set, so that the demo's
# authority still decides and tests never depend on the wall clock.
SUITE_DAY = "2025-06-16"


@pytest.fixture(autouse=True)
def _clock(request):
    """Every clock of the process (datetime, time) moved to 9:00 Vietnam time on the test's day, still ticking."""
    marker = request.node.get_closest_marker("today")
    day = date.fromisoformat(marker.args[0] if marker else SUITE_DAY)
    moment = datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def district_council(demo):
    """The demo district's council: 8 voting members (the chair, the standing member, six members) and a secretary."""
    from models import Council

    return db.session.scalar(select(Council).where(Council.name.like("%Ngọc Hồi%")))


@pytest.fixture
def accepted(make_dossier, user):
    """A dossier of the officer's unit taken through to accepted; `appraised` makes its nominations eligible."""
    from workflow.core.today import local_today
    from workflow.dossiers import transitions as steps
    from workflow.dossiers.appraisal import appraise

    def make(nominees=("Nguyễn Văn An", "Trần Thị Bình"), appraised=True, officer="canbo.pleikan"):
        dossier = make_dossier(nominees=nominees, year=2024, officer=officer)
        head = "truong." + officer.split(".")[1]
        steps.submit_to_head(db.session, dossier, actor=user(officer))
        steps.approve_submission(db.session, dossier, actor=user(head), sign_off=True)
        steps.accept(db.session, dossier, actor=user("noivu"))
        if appraised:
            for nomination in dossier.nominations:
                appraise(db.session, nomination, actor=user("noivu"), today=local_today(), basis="reached_authority")
        db.session.commit()
        return dossier

    return make


# The files that take longest, longest first: they start first, so that `--dist loadfile --no-loadscope-reorder`
# (scripts/test.sh) never leaves one of them running alone on one worker at the end while the other worker idles.
# (pytest-xdist's own reorder puts files with many tests first, which sent these few-test, long files last.)
# Seconds are one worker's on PostgreSQL before the speed-ups of December 2026; the other files take under 25 s.
SLOW_FILES_FIRST = (
    "tests/web/test_route_permissions.py",  # 376 s
    "tests/web/test_bad_input.py",  # 173 s
    "tests/web/test_api_schemathesis.py",  # 131 s
    "tests/web/test_every_button.py",  # 122 s
    "tests/e2e/test_council_vote.py",  # 50 s
    "tests/e2e/test_dossier_walkthrough.py",  # 35 s
    "tests/e2e/test_narrow_screens.py",  # 30 s
    "tests/web/test_api.py",  # 22 s
    "tests/web/test_api_reports.py",  # 21 s (the first demo_story of a worker)
    "tests/e2e/test_job_progress_browser.py",  # 20 s
    "tests/web/test_api_council.py",  # 20 s
    "tests/unit/test_demo_seed.py",  # 18 s
    "tests/e2e/test_dashboard_browser.py",  # 18 s
    "tests/web/test_appraisal.py",  # 18 s
    "tests/unit/test_workflow_stateful.py",  # 16 s
)


def pytest_collection_modifyitems(items):
    """The slow files first (SLOW_FILES_FIRST); every other file keeps its place, and every test its file order."""
    rank = {path: i for i, path in enumerate(SLOW_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


ACTION_COUNTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def pytest_sessionstart(session):
    """A walkthrough's action counts are printed only when this run wrote them (the controller clears old ones)."""
    if not hasattr(session.config, "workerinput"):
        for old in ACTION_COUNTS.glob("action-counts-*.json"):
            old.unlink()


def pytest_terminal_summary(terminalreporter):
    for report in sorted(ACTION_COUNTS.glob("action-counts-*.json")):
        terminalreporter.write_sep("-", f"walkthrough actions ({report.stem.removeprefix('action-counts-')})")
        for step, count in json.loads(report.read_text(encoding="utf-8")).items():
            terminalreporter.write_line(f"{count:3d}  {step}")
