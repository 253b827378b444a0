"""The deployment files (deploy/) against the code they start: what can drift apart without anyone noticing until
a night's timer fails or an upload is refused. scripts/check_deploy.sh runs them for real where the machine allows.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import sysconfig
from pathlib import Path

import click
import pytest
import yaml

from config import BaseConfig, ProductionConfig

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
SERVICES = sorted(UNITS.glob("*.service"))
TIMERS = sorted(UNITS.glob("*.timer"))
NGINX_SITE = DEPLOY / "nginx" / "thidua.conf"
CONTAINERFILE = DEPLOY / "Containerfile"
INSTALL_GUIDE = ROOT / "docs" / "operations" / "install.md"

# Every service runs sandboxed the same way (deploy/systemd/*.service repeat the block).
SANDBOX = {
    "User": "thidua",
    "Group": "thidua",
    "WorkingDirectory": "/opt/thidua",
    "EnvironmentFile": "/etc/thidua/thidua.env",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "CapabilityBoundingSet": "",
}


def unit_file(path: Path) -> dict[str, dict[str, list[str]]]:
    """Section → key → every value given, in order (systemd allows a key several times: ExecStart in a oneshot)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current.setdefault(key.strip(), []).append(value.strip())
    return sections


def service(path: Path) -> dict[str, list[str]]:
    return unit_file(path)["Service"]


def flask_invocations() -> list[tuple[str, list[str]]]:
    """(where, words after `flask --app wsgi`) for every flask command the deployment files and the install guide
    run: the units' ExecStart lines, the compose file's commands, the guide's code blocks (`thidua-flask` is
    deploy/thidua-flask, which runs `flask --app wsgi` as the services do)."""
    found = []
    for path in SERVICES:
        for line in service(path).get("ExecStart", []):
            found.append((path.name, shlex.split(line)))
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    for name, spec in compose["services"].items():
        if "command" in spec:
            found.append((f"compose.yaml:{name}", spec["command"]))
    in_code = False
    for number, line in enumerate(INSTALL_GUIDE.read_text(encoding="utf-8").splitlines(), start=1):
        in_code ^= line.startswith("```")
        match = in_code and re.search(r"(?:\bflask --app wsgi|^thidua-flask) ([^#;|&`]*)", line)
        if match:
            found.append((f"install.md:{number}", ["flask", "--app", "wsgi", *shlex.split(match.group(1))]))
    calls = []
    for where, words in found:
        at = next((i for i, word in enumerate(words) if Path(word).name == "flask"), None)
        if at is not None:
            assert words[at + 1 : at + 3] == ["--app", "wsgi"], f"{where}: {shlex.join(words)}"
            calls.append((where, words[at + 3 :]))
    return calls


def resolve(cli: click.Group, words: list[str]) -> tuple[click.Command | None, list[str]]:
    """The click command the words name (None when a name is unknown) and the words left over: its options."""
    context = click.Context(cli)
    command: click.Command | None = cli
    path: list[str] = []
    rest = list(words)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        path.append(rest.pop(0))
        command = command.get_command(context, path[-1])
        if command is None:
            break
    return command, rest


def options_given(words: list[str]) -> set[str]:
    return {word.split("=", 1)[0] for word in words if word.startswith("-")}


def test_every_flask_command_in_the_deployment_files_exists_with_its_options(app):
    calls = flask_invocations()
    assert len(calls) >= 12, calls  # the units (7), compose (3), the guide
    for where, words in calls:
        command, rest = resolve(app.cli, words)
        assert command is not None and not isinstance(command, click.Group), f"{where}: no command {words}"
        known = {opt for param in command.params for opt in param.opts + param.secondary_opts}
        assert options_given(rest) <= known, f"{where}: unknown option in {shlex.join(words)}"


def test_every_timer_starts_an_existing_oneshot_service_daily():
    assert {path.stem for path in TIMERS} == {"thidua-deadlines", "thidua-digest", "thidua-audit", "thidua-backup"}
    for path in TIMERS:
        timer = unit_file(path)["Timer"]
        target = UNITS / timer.get("Unit", [f"{path.stem}.service"])[0]
        assert target.exists(), f"{path.name} starts {target.name}, which is not in deploy/systemd"
        assert service(target)["Type"] == ["oneshot"]
        assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d Asia/Ho_Chi_Minh", timer["OnCalendar"][0])


def test_the_digest_follows_the_sweep_and_a_checkpoint_follows_a_passed_verify():
    sweep_time = unit_file(UNITS / "thidua-deadlines.timer")["Timer"]["OnCalendar"][0]
    digest_time = unit_file(UNITS / "thidua-digest.timer")["Timer"]["OnCalendar"][0]
    assert sweep_time < digest_time
    assert "thidua-deadlines.service" in " ".join(unit_file(UNITS / "thidua-digest.service")["Unit"]["After"])
    # Sequential ExecStart lines of a oneshot: the second runs only when the first succeeded.
    assert [shlex.split(line)[-2:] for line in service(UNITS / "thidua-audit.service")["ExecStart"]] == [
        ["audit", "verify"],
        ["audit", "checkpoint"],
    ]


@pytest.mark.parametrize("path", SERVICES, ids=lambda path: path.name)
def test_every_service_runs_as_the_dedicated_user_in_the_sandbox(path):
    settings = service(path)
    for key, value in SANDBOX.items():
        assert settings.get(key) == [value], f"{path.name}: {key}"
    writable = " ".join(settings["ReadWritePaths"]).split()
    assert "/var/lib/thidua" in writable


def test_nginx_upload_limit_is_the_apps_request_limit():
    sizes = re.findall(r"^\s*client_max_body_size\s+(\d+)([kKmMgG]?);", NGINX_SITE.read_text(), re.MULTILINE)
    assert len(sizes) == 1
    number, unit = sizes[0]
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]
    assert int(number) * factor == BaseConfig.MAX_CONTENT_LENGTH == ProductionConfig.MAX_CONTENT_LENGTH
    assert BaseConfig.MAX_CONTENT_LENGTH == 105 * 1024 * 1024


def test_nginx_proxies_to_the_address_gunicorn_binds():
    site = NGINX_SITE.read_text()
    upstream = re.search(r"upstream thidua_app \{\s*server ([\d.]+:\d+);", site).group(1)
    gunicorn = shlex.split(service(UNITS / "thidua-web.service")["ExecStart"][0])
    assert gunicorn[gunicorn.index("--bind") + 1] == upstream == "127.0.0.1:8000"
    assert gunicorn[-1] == "wsgi:app"
    # PROXY_COUNT=1 believes one hop of each: nginx must set them, not pass on what the client sent.
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert re.search(rf"^\s*proxy_set_header {header} \$", site, re.MULTILINE), header
    assert re.search(r"location \^~ /metrics \{[^}]*deny all;", site)


def test_the_container_runs_as_a_non_root_user_with_the_document_fonts():
    lines = [line.strip() for line in CONTAINERFILE.read_text().splitlines()]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users, "the image would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    require = (ROOT / "scripts" / "require.sh").read_text()
    fonts = re.search(r"require_document_fonts\(\) \{(.*?)\n\}", require, re.DOTALL).group(1)
    packages = {line.split()[-1] for line in fonts.splitlines() if line.strip().startswith("require ")}
    installed = set(" ".join(lines).split())
    assert packages and packages <= installed


def _audit_script():
    """scripts/audit_deps.py, loaded from its path (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "scripts" / "audit_deps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_audit_that_skipped_every_package_is_not_a_pass():
    audit = _audit_script()
    # What pip-audit 2.10.1 wrote, exiting 0 with "No known vulnerabilities found", where PyPI's per-release JSON
    # API answered 404.
    skipped = {
        "dependencies": [
            {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.3)"},
            {"name": "werkzeug", "skip_reason": "Dependency not found on PyPI and could not be audited: werkzeug"},
        ],
        "fixes": [],
    }
    assert audit.verdict(skipped)[:2] == ("not audited", 3)
    vulnerable = {
        "dependencies": [
            {"name": "flask", "version": "3.1.3", "vulns": []},
            {"name": "werkzeug", "version": "3.1.9", "vulns": [{"id": "GHSA-x", "fix_versions": ["3.1.10"]}]},
        ]
    }
    assert audit.verdict(vulnerable) == ("vulnerable", 1, {"audited": 2, "skipped": 0, "vulnerabilities": 1})
    clean = {"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []}, skipped["dependencies"][1]]}
    assert audit.verdict(clean) == ("clean", 0, {"audited": 1, "skipped": 1, "vulnerabilities": 0})


def test_the_audit_covers_what_production_installs_and_nothing_the_tests_add():
    audit = _audit_script()
    direct = audit.pinned(ROOT / "requirements.txt")
    versions = audit.runtime_closure(Path(sysconfig.get_paths()["purelib"]), direct)
    assert {req.name for req in direct} <= set(versions)
    assert versions["flask"] == "3.1.3"
    # Werkzeug needs MarkupSafe, psycopg[binary] its binary wheel; pytest and ruff are for development only.
    assert {"markupsafe", "psycopg-binary"} <= set(versions)
    assert not {"pytest", "ruff", "playwright"} & set(versions)
