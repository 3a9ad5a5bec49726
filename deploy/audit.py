"""Dependency audit of the hash-pinned lock files: the `make test` audit step.

    python deploy/audit.py --pip-audit var/audit-tools/bin/pip-audit LOCK...

Every package pinned in the given locks (requirements*.lock, web/requirements*.lock) is
looked up, once, in the first source that answers:

1. OSV (api.osv.dev) through pip-audit: every advisory (PyPA's and GitHub's) for the exact
   pinned version. This is the audit.
2. When OSV cannot be reached, PyPI's project JSON (https://pypi.org/pypi/NAME/json). Its
   `vulnerabilities` list belongs to the project's LATEST release only, so it audits just the
   packages pinned at their latest release; every other package is NOT AUDITED and listed.
   (pip-audit's own PyPI service asks /pypi/NAME/VERSION/json; where that answers 404,
   pip-audit skips the package and still reports "No known vulnerabilities found".)

Accepted vulnerabilities (Rasa 3.6's own pins) are in deploy/audit-ignore.txt, each with its
reason; they are printed on every run and do not fail it.

Exit status: 0 nothing unaccepted found and every package audited; 1 an unaccepted
vulnerability; 2 some packages could not be audited and --unaudited=fail (or
CRS_AUDIT_UNAUDITED=fail); 3 the audit itself failed. With --unaudited=warn (the default),
unaudited packages are announced loudly and the exit status is 0 if nothing was found.
Standard library only, Python 3.8+ (the tests import it from the Rasa environment).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
IGNORE_FILE = ROOT / "deploy" / "audit-ignore.txt"
OSV_URL = "https://api.osv.dev/v1/query"
PYPI_JSON = "https://pypi.org/pypi/{name}/json"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
VULN_ID = re.compile(r"^(PYSEC|GHSA|CVE|OSV|GSD|BIT|RUSTSEC|MAL)-[A-Za-z0-9-]+$")

Package = Tuple[str, str]  # (normalized name, version)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Vulnerability:
    package: str
    version: str
    id: str
    aliases: Tuple[str, ...] = ()
    fixed_in: Tuple[str, ...] = ()

    @property
    def ids(self) -> Tuple[str, ...]:
        return (self.id, *self.aliases)


@dataclass
class Waivers:
    """deploy/audit-ignore.txt: `NAME==VERSION reason` or `VULN-ID reason` per line."""

    packages: Dict[Package, str] = field(default_factory=dict)
    ids: Dict[str, str] = field(default_factory=dict)

    def reason(self, vuln: Vulnerability) -> Optional[str]:
        for vid in vuln.ids:
            if vid in self.ids:
                return self.ids[vid]
        return self.packages.get((vuln.package, vuln.version))


def parse_waivers(text: str) -> Waivers:
    waivers = Waivers()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, reason = line.partition(" ")
        reason = reason.strip()
        if not reason:
            raise ValueError(f"audit-ignore line {number}: {key} has no reason")
        pin = PIN.match(key)
        if pin:
            waivers.packages[(normalize(pin.group(1)), pin.group(2))] = reason
        elif VULN_ID.match(key):
            waivers.ids[key] = reason
        else:
            raise ValueError(
                f"audit-ignore line {number}: {key!r} is neither NAME==VERSION nor an advisory id"
            )
    return waivers


def read_pins(paths: Iterable[Path]) -> List[Package]:
    """Every `name==version` of the lock files, once each, in order."""
    seen: Dict[Package, None] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            match = PIN.match(line)
            if match:
                seen[(normalize(match.group(1)), match.group(2))] = None
    return list(seen)


# --- sources -------------------------------------------------------------------------


def _ssl_context() -> ssl.SSLContext:
    for cafile in (os.environ.get("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt"):
        if cafile and Path(cafile).exists():
            return ssl.create_default_context(cafile=cafile)
    return ssl.create_default_context()


def _fetch(url: str, body: Optional[bytes] = None, timeout: float = 20.0) -> bytes:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout, context=_ssl_context()) as response:
        return response.read()


def osv_reachable(timeout: float = 10.0) -> Tuple[bool, str]:
    query = {"package": {"name": "jinja2", "ecosystem": "PyPI"}, "version": "2.4.1"}
    try:
        answer = json.loads(_fetch(OSV_URL, json.dumps(query).encode(), timeout))
    except (OSError, ValueError) as error:  # URLError, timeouts, DNS, bad JSON
        return False, f"{type(error).__name__}: {error}"
    if not answer.get("vulns"):
        return False, "api.osv.dev answered, but without the known advisories of jinja2 2.4.1"
    return True, "api.osv.dev"


def audit_with_pip_audit(pip_audit: str, pins: Sequence[Package]) -> Dict[Package, List[Vulnerability]]:
    """All pins through `pip-audit -s osv`; raises RuntimeError if a package was skipped."""
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "pins.txt"
        requirements.write_text("".join(f"{n}=={v}\n" for n, v in pins), encoding="utf-8")
        report = Path(tmp) / "report.json"
        command = [
            pip_audit, "--requirement", str(requirements), "--no-deps", "--disable-pip",
            "--vulnerability-service", "osv", "--format", "json", "--aliases", "on",
            "--desc", "off", "--progress-spinner", "off", "--strict", "--output", str(report),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        if not report.exists():
            raise RuntimeError(f"pip-audit failed ({done.returncode}): {done.stderr[-2000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    results: Dict[Package, List[Vulnerability]] = {}
    skipped = []
    for dep in data.get("dependencies", []):
        key = (normalize(dep["name"]), dep.get("version", ""))
        if dep.get("skip_reason"):
            skipped.append(f"{key[0]} {key[1]}: {dep['skip_reason']}")
            continue
        results[key] = [
            Vulnerability(
                key[0], key[1], v["id"], tuple(v.get("aliases", ())), tuple(v.get("fix_versions", ()))
            )
            for v in dep.get("vulns", [])
        ]
    if skipped:
        raise RuntimeError("pip-audit skipped: " + "; ".join(skipped))
    return results


def pypi_latest_lookup(package: Package) -> Optional[List[Vulnerability]]:
    """The package's advisories if it is pinned at its latest release, else None."""
    name, version = package
    data = json.loads(_fetch(PYPI_JSON.format(name=name)))
    if data.get("info", {}).get("version") != version:
        return None
    return [
        Vulnerability(name, version, v["id"], tuple(v.get("aliases") or ()), tuple(v.get("fixed_in") or ()))
        for v in data.get("vulnerabilities") or []
        if not v.get("withdrawn")
    ]


# --- the audit ---------------------------------------------------------------------------


@dataclass
class Outcome:
    source: str
    audited: Dict[Package, List[Vulnerability]]
    unaudited: Dict[Package, str]

    def found(self) -> List[Vulnerability]:
        """Each advisory once per package (PyPI lists a PYSEC id and its GHSA alias apart)."""
        unique: List[Vulnerability] = []
        for vulns in self.audited.values():
            seen: set = set()
            for vuln in vulns:
                if not seen.intersection(vuln.ids):
                    unique.append(vuln)
                seen.update(vuln.ids)
        return unique


def collect(
    pins: Sequence[Package],
    pip_audit: Optional[str],
    osv_probe: Callable[[], Tuple[bool, str]] = osv_reachable,
    latest_lookup: Callable[[Package], Optional[List[Vulnerability]]] = pypi_latest_lookup,
) -> Outcome:
    reachable, why = osv_probe()
    if reachable and pip_audit:
        return Outcome("OSV (api.osv.dev) via pip-audit", audit_with_pip_audit(pip_audit, pins), {})
    reason = why if not reachable else "pip-audit not given"
    audited: Dict[Package, List[Vulnerability]] = {}
    unaudited: Dict[Package, str] = {}

    def one(package: Package) -> Tuple[Package, Optional[List[Vulnerability]], str]:
        try:
            return (
                package,
                latest_lookup(package),
                "not its latest release: PyPI has no data for this version",
            )
        except (OSError, ValueError) as error:
            return package, None, f"PyPI unreachable ({type(error).__name__})"

    with ThreadPoolExecutor(max_workers=8) as pool:
        for package, vulns, why_not in pool.map(one, pins):
            if vulns is None:
                unaudited[package] = why_not
            else:
                audited[package] = vulns
    return Outcome(f"PyPI project JSON, latest releases only (OSV unreachable: {reason})", audited, unaudited)


def report(
    outcome: Outcome, waivers: Waivers, pins: Sequence[Package], unaudited_policy: str, out=sys.stdout
) -> int:
    def say(text: str = "") -> None:
        print(text, file=out)

    found = outcome.found()
    accepted = [(v, waivers.reason(v)) for v in found if waivers.reason(v)]
    rejected = [v for v in found if not waivers.reason(v)]
    say(f"source: {outcome.source}")
    audited, unaudited = len(outcome.audited), len(outcome.unaudited)
    say(f"packages pinned: {len(pins)}; audited: {audited}; not audited: {unaudited}")
    say(f"vulnerabilities found: {len(found)}; accepted: {len(accepted)}; NOT accepted: {len(rejected)}")
    for vuln, reason in accepted:
        say(f"  accepted  {vuln.package} {vuln.version} {vuln.id} ({', '.join(vuln.aliases)}): {reason}")
    for vuln in rejected:
        fixed = ", ".join(vuln.fixed_in) or "no fixed release"
        aliases = ", ".join(vuln.aliases)
        say(f"  VULNERABLE  {vuln.package} {vuln.version} {vuln.id} ({aliases}); fixed in: {fixed}")
    stale = sorted(set(waivers.packages) - set(pins))
    for name, version in stale:
        say(f"  note: audit-ignore entry {name}=={version} matches no pinned package any more: remove it")
    status = 1 if rejected else 0
    if outcome.unaudited:
        bar = "!" * 78
        say(bar)
        missing = len(outcome.unaudited)
        say(f"!!! DEPENDENCY AUDIT INCOMPLETE: {missing} of {len(pins)} pinned packages were NOT checked")
        say("!!! for known vulnerabilities: no vulnerability database answered for them.")
        say(f"!!! {outcome.source}")
        say("!!! Run this step where api.osv.dev is reachable for a full audit.")
        say(bar)
        for (name, version), why in sorted(outcome.unaudited.items()):
            say(f"  not audited  {name} {version}: {why}")
        if unaudited_policy == "fail":
            status = status or 2
        else:
            say("(exit status unaffected: --unaudited=warn; CRS_AUDIT_UNAUDITED=fail makes this fail)")
    return status


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("locks", nargs="+", type=Path)
    parser.add_argument("--pip-audit", help="the pip-audit executable (OSV source)")
    parser.add_argument("--ignore-file", type=Path, default=IGNORE_FILE)
    parser.add_argument(
        "--unaudited", choices=("warn", "fail"), default=os.environ.get("CRS_AUDIT_UNAUDITED", "warn")
    )
    args = parser.parse_args(argv)
    try:
        waivers = parse_waivers(args.ignore_file.read_text(encoding="utf-8"))
        pins = read_pins(args.locks)
        if not pins:
            raise RuntimeError("no pinned packages in " + ", ".join(map(str, args.locks)))
        outcome = collect(pins, args.pip_audit)
    except (OSError, ValueError, RuntimeError, subprocess.SubprocessError) as error:
        print(f"error: the dependency audit could not run: {error}", file=sys.stderr)
        return 3
    return report(outcome, waivers, pins, args.unaudited)


if __name__ == "__main__":
    raise SystemExit(main())
