"""deploy/janus/: the templates, the container's entry point run against Debian's janus, compose and k8s."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import yaml

from tests.deploy.test_deploy_files import DEPLOY, compose, k8s_docs
from tests.e2e.harness import free_port
from tests.janus_server import TEMPLATE_FILES, TEMPLATES, janus_binary, janus_lib_dir, local_values, render

ENTRYPOINT = TEMPLATES / "entrypoint.sh"
PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")
SECRETS = ("JANUS_ADMIN_SECRET", "JANUS_TOKEN_SECRET", "JANUS_ROOM_ADMIN_KEY")


def placeholders() -> set[str]:
    return {name for f in TEMPLATE_FILES for name in PLACEHOLDER.findall((TEMPLATES / f).read_text())}


def entrypoint_variables() -> set[str]:
    block = re.search(r"VARIABLES='([^']*)'", ENTRYPOINT.read_text(), re.S).group(1)
    return set(re.findall(r"\$([A-Z0-9_]+)", block))


def directives(text: str) -> str:
    return "\n".join(line.split("#")[0] for line in text.splitlines())


def test_the_entry_point_fills_exactly_the_templates_placeholders():
    assert placeholders() == entrypoint_variables()
    assert set(SECRETS) <= placeholders()
    text = ENTRYPOINT.read_text()
    for name in SECRETS:
        assert f': "${{{name}:?' in text, f"the entry point must refuse to start without {name}"


def test_the_templates_turn_on_signed_tokens_and_keep_secrets_out():
    rendered = render(local_values(Path("/tmp/x"), lib_dir=Path("/usr/lib/janus")))
    core = directives(rendered["janus.jcfg"])
    assert re.search(r"^\s*token_auth = true$", core, re.M)
    assert re.search(r'^\s*token_auth_secret = ".+"$', core, re.M)
    assert re.search(r'^\s*admin_secret = ".+"$', core, re.M)
    assert not re.search(r"^\s*api_secret", core, re.M)
    room = directives(rendered["janus.plugin.videoroom.jcfg"])
    assert re.search(r'^\s*admin_key = ".+"$', room, re.M)
    assert re.search(r"^\s*lock_rtp_forward = true$", room, re.M)
    assert not re.search(r"^\s*room-", room, re.M), "rooms are created by the application, none in the file"
    for name in TEMPLATE_FILES:
        template = (TEMPLATES / name).read_text()
        for value in ("janusoverlord", "adminpwd", "supersecret"):  # the samples' secrets
            assert value not in template


def test_the_entry_point_starts_janus_with_only_what_tradefair_uses(tmp_path):
    binary = janus_binary()
    env = {
        "PATH": f"{Path(binary).parent}:{os.environ['PATH']}",
        "JANUS_TEMPLATES_DIR": str(TEMPLATES),
        "JANUS_CONFIGS_DIR": str(tmp_path / "conf"),
        "JANUS_LIB_DIR": str(janus_lib_dir()),
        "JANUS_ADMIN_SECRET": "admin-secret-for-this-test",
        "JANUS_TOKEN_SECRET": "token-secret-for-this-test",
        "JANUS_ROOM_ADMIN_KEY": "room-key-for-this-test",
        "JANUS_BIND_IP": "127.0.0.1",
        "JANUS_ADMIN_IP": "127.0.0.1",
        "JANUS_HTTP_PORT": str(free_port()),
        "JANUS_ADMIN_PORT": str(free_port()),
        "JANUS_WS_PORT": str(free_port()),
        "JANUS_RTP_PORT_RANGE": "40000-59999",
    }
    # Without its secrets it does not start.
    refused = subprocess.run(
        ["sh", str(ENTRYPOINT)],
        env={k: v for k, v in env.items() if k != "JANUS_TOKEN_SECRET"},
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert refused.returncode != 0
    assert "JANUS_TOKEN_SECRET" in refused.stderr

    log = (tmp_path / "janus.log").open("wb")
    process = subprocess.Popen(
        ["sh", str(ENTRYPOINT)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{env['JANUS_HTTP_PORT']}/janus"
    admin = f"http://127.0.0.1:{env['JANUS_ADMIN_PORT']}/admin"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / "janus.log").read_text()
            try:
                info = httpx.get(api + "/info", timeout=2).json()
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, (tmp_path / "janus.log").read_text()
                time.sleep(0.1)
        assert set(info["plugins"]) == {"janus.plugin.videoroom"}
        assert set(info["transports"]) == {"janus.transport.http", "janus.transport.websockets"}
        assert info["events"] == {} and info["loggers"] == {}
        assert "dependencies" not in info  # hide_dependencies
        status = httpx.post(
            admin, json={"janus": "get_status", "transaction": "t", "admin_secret": env["JANUS_ADMIN_SECRET"]}
        ).json()
        assert status["status"]["token_auth"] is True
        wrong = httpx.post(
            admin, json={"janus": "get_status", "transaction": "t", "admin_secret": "guess"}
        ).json()
        assert wrong["error"]["code"] == 403
        assert httpx.post(api, json={"janus": "create", "transaction": "t"}).json()["error"]["code"] == 403
        # The rendered files hold the secrets: only their owner reads them.
        for name in TEMPLATE_FILES:
            assert (tmp_path / "conf" / name).stat().st_mode & 0o077 == 0
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=15)
        log.close()


def test_compose_runs_janus_from_its_image_beside_the_app():
    services = compose()["services"]
    janus = services["janus"]
    assert janus["build"]["target"] == "janus"
    for name in SECRETS:
        assert janus["environment"][name] == services["web"]["environment"][name]
        assert ":?" in janus["environment"][name], f"compose must refuse to start without {name}"
    assert services["web"]["environment"]["JANUS_ADMIN_URL"].startswith("http://janus:")
    published = " ".join(janus["ports"])
    assert "8188:8188" in published and "/udp" in published
    assert "7088" not in published and "8088" not in published, "Janus's APIs stay inside the compose network"
    low, high = janus["environment"]["JANUS_RTP_PORT_RANGE"].split("-")
    assert f"{low}-{high}:{low}-{high}/udp" in janus["ports"]


def test_k8s_runs_janus_on_the_nodes_network_with_the_apps_secrets():
    docs = k8s_docs()
    kinds = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    pod = kinds[("Deployment", "tradefair-janus")]["spec"]["template"]["spec"]
    assert pod["hostNetwork"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    env = {e["name"]: e for e in container["env"]}
    secret = next(d for d in docs if d["kind"] == "Secret")["stringData"]
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    for name in SECRETS:
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref["name"] == "tradefair-secrets" and ref["key"] in secret
    for name in ("JANUS_NAT_1_1_MAPPING", "JANUS_RTP_PORT_RANGE"):
        assert env[name]["valueFrom"]["configMapKeyRef"]["key"] in config
    assert {p["containerPort"] for p in container["ports"]} == {8188, 8088, 7088}
    service = kinds[("Service", "tradefair-janus")]
    assert {p["port"] for p in service["spec"]["ports"]} == {8188, 8088, 7088}
    assert config["JANUS_ADMIN_URL"] == "http://tradefair-janus:7088/admin"
    ingress = kinds[("Ingress", "tradefair")]
    paths = {p["path"]: p["backend"]["service"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
    assert paths["/janus"] == {"name": "tradefair-janus", "port": {"name": "ws"}}
    assert config["JANUS_PUBLIC_URL"].endswith("/janus")
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    assert "janus.yaml" in kustomization["resources"]
