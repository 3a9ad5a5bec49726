"""Deployment files, checked offline: JSON schemas (Compose spec, Kubernetes API),
nginx's own parser, and the wiring between services.

The validators come from scripts/setup_scale.sh (var/deploy-tools). No Docker
engine or cluster is needed; what these checks cannot see (images building,
pods scheduling) they do not claim.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from launcher.scale import NGINX, nginx_config
from launcher.stack import ROOT

TOOLS = ROOT / "var" / "deploy-tools" / "bin"
COMPOSE = ROOT / "docker-compose.yml"
K8S = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))


def tool(name: str) -> str:
    path = TOOLS / name
    if not path.exists():
        pytest.fail(f"{path} missing: run scripts/setup_scale.sh")
    return str(path)


def run(command: list) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def k8s_documents():
    return [doc for path in K8S for doc in yaml.safe_load_all(path.read_text()) if doc]


def test_compose_file_matches_the_compose_specification():
    done = run([tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)])
    assert done.returncode == 0, done.stdout + done.stderr


def test_compose_has_the_whole_stack_wired_together():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert set(services) == {"rasa", "actions", "gateway", "postgres", "redis", "nginx"}
    assert services["rasa"]["deploy"]["replicas"] >= 2
    assert services["rasa"]["environment"]["CRS_DATABASE_URL"].startswith("postgresql://")
    assert services["gateway"]["environment"]["CRS_RASA_URL"] == "http://nginx:8080"
    assert "webhooks/rest/health" in " ".join(services["rasa"]["healthcheck"]["test"])
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["gateway"]
    for service in services.values():
        if "build" in service:
            assert (ROOT / service["build"]["dockerfile"]).exists()
    endpoints = yaml.safe_load((ROOT / "deploy" / "endpoints.docker.yml").read_text())
    assert (
        endpoints["lock_store"]["type"] == "assistant.lock_store.AtomicRedisLockStore"
        and endpoints["lock_store"]["url"] == "redis"
    )
    assert endpoints["tracker_store"]["type"] == "assistant.tracker_store.SettingsSQLTrackerStore"


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


def _nginx_test(config: Path, prefix: Path, *extra: str) -> subprocess.CompletedProcess:
    return run([NGINX, "-t", "-q", "-c", str(config), "-p", str(prefix), *extra])


def test_nginx_accepts_the_generated_scale_config(tmp_path):
    done = _nginx_test(nginx_config(tmp_path, 18080, [15005, 15006]), tmp_path)
    assert done.returncode == 0, done.stderr


def test_nginx_accepts_the_compose_config(tmp_path):
    # Same file, with the container names a resolver-less test machine can resolve.
    text = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text().replace("rasa:5005", "127.0.0.1:5005")
    text = text.replace("listen 8080", "listen 127.0.0.1:18081")
    config = tmp_path / "nginx.conf"
    config.write_text(text)
    # The image's paths (pid, logs to /dev/stdout) are replaced by the test's own.
    done = _nginx_test(config, tmp_path, "-g", f"pid {tmp_path}/nginx.pid;")
    assert done.returncode == 0, done.stderr
