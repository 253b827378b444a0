"""The users of scripts/ops/load.py, for locust: readers who sign in through the login form and open their home page,
the dossier list, a dossier from it and the registry search; and walkers who, through the JSON API, make a dossier
at the successor commune and take it through submit → approve → accept → return, one step per request.

Every request is named by its kind (the statistics are per kind). When locust quits, the statistics and the answers
by HTTP status go as JSON to the file named by LOAD_REPORT."""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections import Counter

from gevent.lock import Semaphore
from locust import HttpUser, between, events, task

PASSWORD = "demo"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
DOSSIER_LINK = re.compile(r'href="/dossiers/(\d+)"')
# (username, home page): the demo's roles (workflow/demo/seed.py) that may list dossiers and search the registry.
READERS = [
    ("canbo.pleikan", "/unit"),
    ("truong.pleikan", "/unit"),
    ("canbo.dakxu", "/unit"),
    ("noivu", "/office"),
    ("thuky", "/secretary"),
    ("chutich", "/chairman"),
]
NAMES = ["nguyen", "tran", "le", "pham", "hoang", "y", "a", "dinh"]
OFFICER, HEAD, OFFICE = "canbo.vhxh", "truong.vhxh", "vanphong.xa"
statuses: Counter[str] = Counter()
TOKENS: dict[str, str] = {}
TOKENS_LOCK = Semaphore()


@events.request.add_listener
def count_status(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    code = getattr(response, "status_code", None)
    statuses[str(code) if code else type(exception).__name__] += 1


@events.quitting.add_listener
def write_report(environment, **kwargs):
    path = os.environ.get("LOAD_REPORT")
    if not path:
        return
    kinds = {}
    for (name, method), entry in sorted(environment.stats.entries.items()):
        kinds[name] = {
            "method": method,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.50),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "max_ms": round(entry.max_response_time or 0),
        }
    total = environment.stats.total
    report = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "requests_per_s": round(total.total_rps, 1),
        "p50_ms": total.get_response_time_percentile(0.50),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "by_status": dict(statuses),
        "kinds": kinds,
        "errors": [
            {"kind": error.name, "error": str(error.error)[:200], "occurrences": error.occurrences}
            for error in environment.stats.errors.values()
        ][:20],
    }
    with open(path, "w", encoding="utf-8") as out:
        json.dump(report, out, ensure_ascii=False)


class Reader(HttpUser):
    """Someone at their desk: reads, with a few seconds between pages."""

    weight = 4
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.username, self.home = random.choice(READERS)
        form = self.client.get("/login", name="login page")
        match = CSRF_RE.search(form.text)
        self.client.post(
            "/login",
            data={"username": self.username, "password": PASSWORD, "csrf_token": match.group(1) or match.group(2)},
            name="login",
        )
        self.seen: list[str] = []

    @task(3)
    def home_page(self) -> None:
        self.client.get(self.home, name="home page")

    @task(3)
    def dossier_list(self) -> None:
        query = random.choice(["", "?state=closed", "?page=2", "?year=2024"])
        answer = self.client.get(f"/dossiers{query}", name="dossier list")
        self.seen = DOSSIER_LINK.findall(answer.text) or self.seen

    @task(2)
    def dossier_page(self) -> None:
        if self.seen:
            self.client.get(f"/dossiers/{random.choice(self.seen)}", name="dossier page")

    @task(2)
    def registry_search(self) -> None:
        self.client.get(f"/registry?name={random.choice(NAMES)}", name="registry search")


class Walker(HttpUser):
    """A commune's officer, its head and the commune's office, through the API: one dossier per walk."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        # One token per person for every walker: the app keeps only a user's five newest tokens alive.
        with TOKENS_LOCK:
            for username in (OFFICER, HEAD, OFFICE):
                if username not in TOKENS:
                    answer = self.client.post(
                        "/api/v1/auth/tokens", json={"username": username, "password": PASSWORD}, name="api token"
                    )
                    TOKENS[username] = answer.json()["token"]
        self.tokens = TOKENS

    def api(self, method: str, username: str, path: str, name: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.tokens[username]}"}
        return self.client.request(method, f"/api/v1{path}", headers=headers, name=name, **kwargs)

    def pause(self) -> None:
        time.sleep(random.uniform(0.3, 1.0))  # locust's gevent makes this cooperative

    def fire(self, username: str, dossier: dict, trigger: str, **data) -> dict | None:
        body = {"trigger": trigger, "version": dossier["version"], "data": data}
        path = f"/dossiers/{dossier['id']}/transitions"
        answer = self.api("POST", username, path, f"transition {trigger}", json=body)
        return answer.json() if answer.status_code == 200 else None

    @task
    def walk(self) -> None:
        year = time.localtime().tm_year - 1
        body = {"procedure": "regular", "year": year, "title": "Đề nghị khen thưởng (tải thử)"}
        created = self.api("POST", OFFICER, "/dossiers", "create dossier", json=body)
        if created.status_code != 201:
            return
        dossier_id = created.json()["id"]
        nominee = {"kind": "person", "full_name": "Nguyễn Văn Tải", "title_code": "LDTT", "date_of_birth": "1985-03-12",
                   "position": "Chuyên viên", "annual_rating": "good", "months_of_service": 12}  # fmt: skip
        self.api("POST", OFFICER, f"/dossiers/{dossier_id}/nominations", "add nominee", json=nominee)
        dossier = self.api("GET", OFFICER, f"/dossiers/{dossier_id}", "api dossier").json()
        for item in dossier["checklist"]:
            if item["satisfied"]:
                continue
            form = {"kind": item["kind"]}
            if item["nomination_id"]:
                form["nomination_id"] = str(item["nomination_id"])
            files = {"file": (f"{item['kind']}.pdf", PDF + os.urandom(8).hex().encode(), "application/pdf")}
            self.api("POST", OFFICER, f"/dossiers/{dossier_id}/documents", "upload document", data=form, files=files)
        dossier = self.api("GET", OFFICER, f"/dossiers/{dossier_id}", "api dossier").json()
        self.pause()
        if not (dossier := self.fire(OFFICER, dossier, "submit_to_head", comment="Kính trình")):
            return
        self.pause()
        if not (dossier := self.fire(HEAD, dossier, "approve_submission", sign_off=True)):
            return
        self.pause()
        if not (dossier := self.fire(OFFICE, dossier, "accept")):
            return
        self.pause()
        missing = [dossier["checklist"][0]["key"]]
        self.fire(OFFICE, dossier, "return_for_supplement", missing_items=missing, comment="Bổ sung biên bản")
