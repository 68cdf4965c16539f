"""deploy/: the files parse, every variable the app reads is set in them, nginx accepts the config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.cluster.servers import TEMPLATE, nginx_test, render_site, write_conf

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTINGS = ROOT / "config" / "settings.py"

# Read by settings.py but not for a deployment to set.
NOT_FOR_DEPLOYMENT = {
    "SQLITE_TEST_NAME": "names the SQLite test database; tests only",
}

READ = re.compile(
    r"""(?:\benv(?:_bool|_list)?\(|os\.environ\.get\(|os\.getenv\(|os\.environ\[)\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def variables_read() -> set[str]:
    names = set(READ.findall(SETTINGS.read_text()))
    # The production check reads names from a tuple: ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL").
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "S3_BUCKET"} <= names, (
        "the regex lost track of settings"
    )
    return names - set(NOT_FOR_DEPLOYMENT)


def load_all(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def k8s_docs() -> list[dict]:
    docs = [doc for path in sorted((DEPLOY / "k8s").glob("*.yaml")) for doc in load_all(path)]
    return [doc for doc in docs if doc["kind"] != "Kustomization"]


def test_every_yaml_file_parses():
    files = sorted(DEPLOY.rglob("*.yaml"))
    assert len(files) >= 8
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in (DEPLOY / "k8s").glob("*.yaml")} - {
        "kustomization.yaml",
        "secret.example.yaml",
    }
    for path in files:
        assert load_all(path), path


def test_compose_has_every_part():
    services = compose()["services"]
    assert {
        "postgres",
        "redis",
        "minio",
        "minio-bucket",
        "migrate",
        "web",
        "worker",
        "nginx",
        "coturn",
        "janus",
    } <= set(services)
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"] == ["python", "manage.py", "worker"]
    assert "mb" in " ".join(services["minio-bucket"]["command"])
    assert services["nginx"]["build"]["target"] == "nginx"


@pytest.mark.parametrize("service", ["migrate", "web", "worker"])
def test_compose_sets_every_variable_the_app_reads(service):
    env = compose()["services"][service]["environment"]
    missing = sorted(variables_read() - set(env))
    assert not missing, f"deploy/compose.yaml ({service}) does not set {missing}"
    assert env["TRADEFAIR_MODE"] == "production"


def test_k8s_configmap_and_secret_set_every_variable_the_app_reads():
    docs = k8s_docs()
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    secret = next(d for d in docs if d["kind"] == "Secret")["stringData"]
    assert not set(config) & set(secret), "a variable is both in the ConfigMap and in the Secret"
    missing = sorted(variables_read() - set(config) - set(secret))
    assert not missing, f"deploy/k8s ConfigMap/Secret do not set {missing}"
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "AWS_SECRET_ACCESS_KEY",
        "TURN_SECRET",
        "JANUS_ADMIN_SECRET",
        "JANUS_TOKEN_SECRET",
        "JANUS_ROOM_ADMIN_KEY",
    ):
        assert name in secret, f"{name} belongs in the Secret"


def test_k8s_manifests():
    docs = k8s_docs()
    kinds = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    for name in ("tradefair-web", "tradefair-worker"):
        pod = kinds[("Deployment", name)]["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        (container,) = pod["containers"]
        refs = {next(iter(r.values()))["name"] for r in container["envFrom"]}
        assert refs == {"tradefair-config", "tradefair-secrets"}
    web = kinds[("Deployment", "tradefair-web")]["spec"]["template"]["spec"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    for probe in ("readinessProbe", "livenessProbe"):
        (host,) = [h["value"] for h in web[probe]["httpGet"]["httpHeaders"] if h["name"] == "Host"]
        assert host in config["ALLOWED_HOSTS"].split(","), "the probe's Host must be allowed, or it gets 400"
    assert ("Service", "tradefair-web") in kinds
    assert (
        kinds[("HorizontalPodAutoscaler", "tradefair-web")]["spec"]["scaleTargetRef"]["name"]
        == "tradefair-web"
    )
    ingress = kinds[("Ingress", "tradefair")]
    assert "proxy-read-timeout" in " ".join(ingress["metadata"]["annotations"])
    job = kinds[("Job", "tradefair-migrate")]["spec"]["template"]["spec"]["containers"][0]
    assert job["command"][-2:] == ["migrate", "--noinput"]


def test_dockerfile_stages():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM .* AS build$", text, re.M)
    assert re.search(r"^FROM .* AS web$", text, re.M)
    assert re.search(r"^FROM nginx.* AS nginx$", text, re.M)
    assert re.search(r"^FROM debian:.* AS janus$", text, re.M)
    assert re.search(r"^USER 10001", text, re.M), "the app runs as a non-root user"
    for step in ("npm(sys.argv[1:])", "collectstatic", "pybabel compile", "daphne"):
        assert step in text


def test_turn_server_uses_rest_credentials_with_the_apps_secret():
    conf = (DEPLOY / "coturn" / "turnserver.conf").read_text()
    lines = {line.split("=")[0].strip() for line in conf.splitlines() if line and not line.startswith("#")}
    assert "use-auth-secret" in lines
    assert "static-auth-secret" not in lines, "the secret comes from the environment, not the file"
    command = " ".join(compose()["services"]["coturn"]["command"])
    assert "--static-auth-secret=${TURN_SECRET" in command


def test_nginx_template_has_its_placeholders():
    site = render_site(upstreams=["127.0.0.1:1", "127.0.0.1:2"], listen="127.0.0.1:3", static_root=Path("/s"))
    assert "${" not in site, "a placeholder was left unfilled"
    assert "server 127.0.0.1:1 " in site and "server 127.0.0.1:2 " in site
    assert "proxy_set_header Upgrade $http_upgrade;" in site
    directives = "\n".join(line.split("#")[0] for line in site.splitlines())
    assert "ip_hash" not in directives and "sticky" not in directives and "hash " not in directives
    assert "${TRADEFAIR_UPSTREAM_SERVERS}" in TEMPLATE.read_text()


def test_nginx_accepts_the_config(tmp_path):
    conf = write_conf(
        tmp_path,
        upstreams=["127.0.0.1:8001", "127.0.0.1:8002"],
        listen="127.0.0.1:8080",
        static_root=tmp_path / "static",
    )
    result = nginx_test(conf, tmp_path)
    assert result.returncode == 0, result.stderr
