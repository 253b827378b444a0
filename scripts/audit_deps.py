"""Known vulnerabilities in the packages production runs: requirements.txt's pins and every package they pull in,
at the versions installed in the runtime venv. Run by scripts/audit_deps.sh with the audit venv's Python (where
pip-audit and `packaging` live); prints JSON lines.

pip-audit alone is not enough here: when its vulnerability service cannot answer for a package it skips the package,
and with every package skipped it still says "No known vulnerabilities found" and exits 0. So the service is probed
first and the skips are counted: an audit that checked nothing says so and exits NOT_AUDITED.

Exit status: 0 nothing known, 1 a known vulnerability (each printed), 3 not audited (service unreachable)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from importlib.metadata import Distribution, distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

CLEAN, VULNERABLE, NOT_AUDITED = 0, 1, 3
PROBE_SECONDS = 10
AUDIT_SECONDS = 300
OSV_QUERY = "https://api.osv.dev/v1/query"


def emit(**fields) -> None:
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def pinned(requirements: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in requirements.read_text(encoding="utf-8").splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def runtime_closure(site: Path, direct: list[Requirement]) -> dict[str, str]:
    """Name → installed version of every package the direct requirements need, extras and markers applied."""
    installed: dict[str, Distribution] = {
        canonicalize_name(dist.metadata["Name"]): dist for dist in distributions(path=[str(site)])
    }
    versions: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [(canonicalize_name(req.name), frozenset(req.extras)) for req in direct]
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        dist = installed.get(name)
        if dist is None:
            raise SystemExit(f"audit_deps: {name} is not installed in {site}; run `make venv` first")
        versions[name] = dist.version
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is None or any(req.marker.evaluate({"extra": extra}) for extra in extras or {""}):
                todo.append((canonicalize_name(req.name), frozenset(req.extras)))
    return versions


def _answers(request: urllib.request.Request) -> str | None:
    """None when the service answered 200; else what went wrong, in a few words."""
    try:
        with urllib.request.urlopen(request, timeout=PROBE_SECONDS):
            return None
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return str(getattr(error, "reason", error))


def reachable_service(name: str, version: str, osv_url: str) -> str | None:
    """The first of pip-audit's services that answers for a package we know exists: "pypi", "osv" or None."""
    problems = {
        "pypi": _answers(urllib.request.Request(f"https://pypi.org/pypi/{name}/{version}/json")),
        "osv": _answers(
            urllib.request.Request(
                osv_url,
                data=json.dumps({"package": {"name": name, "ecosystem": "PyPI"}, "version": version}).encode(),
                headers={"Content-Type": "application/json"},
            )
        ),
    }
    for service, problem in problems.items():
        emit(
            check="vulnerability-service",
            service=service,
            probe=f"{name}=={version}",
            reachable=problem is None,
            **({"problem": problem} if problem else {}),
        )
    return next((service for service, problem in problems.items() if problem is None), None)


def ignored_ids(path: Path) -> list[str]:
    """Advisories accepted on purpose: the first word of each non-comment line of the ignore file."""
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].split() for line in path.read_text(encoding="utf-8").splitlines())
    return [words[0] for words in lines if words]


def run_pip_audit(pip_audit: Path, versions: dict[str, str], service: str, osv_url: str, ignore: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="audit-deps-") as folder:
        pins = Path(folder) / "runtime-pins.txt"
        pins.write_text("".join(f"{name}=={version}\n" for name, version in sorted(versions.items())))
        report = Path(folder) / "report.json"
        command = [
            str(pip_audit),
            "--disable-pip",
            "--no-deps",
            "--requirement",
            str(pins),
            "--vulnerability-service",
            service,
            "--format",
            "json",
            "--output",
            str(report),
            "--progress-spinner",
            "off",
            "--timeout",
            "20",
            "--osv-url",
            osv_url,
        ]
        for advisory in ignore:
            command += ["--ignore-vuln", advisory]
        done = subprocess.run(command, capture_output=True, text=True, timeout=AUDIT_SECONDS)
        if not report.exists():
            raise SystemExit(f"audit_deps: pip-audit wrote no report (exit {done.returncode}):\n{done.stderr}")
        return json.loads(report.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="the runtime venv's site-packages")
    parser.add_argument("--requirements", type=Path, required=True)
    parser.add_argument("--ignore-file", type=Path, required=True)
    parser.add_argument("--pip-audit", type=Path, required=True)
    parser.add_argument("--osv-url", default=OSV_QUERY, help="an OSV mirror's query URL (default: OSV itself)")
    args = parser.parse_args()

    direct = pinned(args.requirements)
    direct_names = {canonicalize_name(req.name) for req in direct}
    versions = runtime_closure(args.site, direct)
    first = direct[0]
    service = reachable_service(canonicalize_name(first.name), next(iter(first.specifier)).version, args.osv_url)
    if service is None:
        emit(
            check="dependency-audit",
            status="not audited",
            packages=len(versions),
            reason="neither PyPI's per-release JSON API nor OSV answers from this machine",
        )
        return NOT_AUDITED

    report = run_pip_audit(args.pip_audit, versions, service, args.osv_url, ignored_ids(args.ignore_file))
    for dep in report["dependencies"]:
        for vuln in dep.get("vulns", []):
            emit(
                check="vulnerability",
                package=dep["name"],
                version=dep["version"],
                pinned_in_requirements=canonicalize_name(dep["name"]) in direct_names,
                id=vuln["id"],
                aliases=vuln.get("aliases", []),
                fix_versions=vuln.get("fix_versions", []),
                description=(vuln.get("description") or "")[:300],
            )
        if "skip_reason" in dep:
            emit(check="skipped", package=dep["name"], reason=dep["skip_reason"])
    status, code, counts = verdict(report)
    emit(
        check="dependency-audit",
        status=status,
        service=service,
        packages=len(versions),
        pinned=len(direct_names),
        **counts,
    )
    return code


def verdict(report: dict) -> tuple[str, int, dict[str, int]]:
    """pip-audit's JSON report judged: (status, exit status, counts). A report whose every package was skipped
    audited nothing, whatever pip-audit's own exit status said."""
    dependencies = report["dependencies"]
    skipped = sum("skip_reason" in dep for dep in dependencies)
    found = sum(len(dep.get("vulns", [])) for dep in dependencies)
    counts = {"audited": len(dependencies) - skipped, "skipped": skipped, "vulnerabilities": found}
    if found:
        return "vulnerable", VULNERABLE, counts
    if skipped == len(dependencies):
        return "not audited", NOT_AUDITED, counts
    return "clean", CLEAN, counts


if __name__ == "__main__":
    sys.exit(main())
