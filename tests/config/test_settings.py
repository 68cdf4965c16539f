"""config/settings.py read from the environment, each case in a fresh Python process."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_URL = "postgres://postgres@127.0.0.1:5432/test"

DUMP = """
import json
from django.conf import settings
print(json.dumps({
    "DATABASE": {k: settings.DATABASES["default"].get(k) for k in ("ENGINE", "NAME", "HOST", "PORT", "USER")},
    "CHANNEL_LAYER": settings.CHANNEL_LAYERS["default"],
    "BOOTH_LAYER": settings.CHANNEL_LAYERS["booth"],
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "Q_CLUSTER": {k: settings.Q_CLUSTER.get(k) for k in ("orm", "redis")},
    "STORAGE": settings.STORAGES["default"],
    "DEBUG": settings.DEBUG,
    "SECURE_REDIRECT_EXEMPT": getattr(settings, "SECURE_REDIRECT_EXEMPT", []),
}, default=str))
"""


def run(args, tmp_path, **env):
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TRADEFAIR_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def settings_with(tmp_path, **env) -> dict:
    result = run(["-c", "import django; django.setup()\n" + DUMP], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_needs_nothing(tmp_path):
    s = settings_with(tmp_path)
    assert s["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["DATABASE"]["NAME"] == str(tmp_path / "var" / "tradefair.sqlite3")
    assert s["CHANNEL_LAYER"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert s["Q_CLUSTER"] == {"orm": "default", "redis": None}
    assert s["STORAGE"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({}, ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"]),
        ({"SECRET_KEY": "x" * 60}, ["ALLOWED_HOSTS", "DATABASE_URL"]),
        ({"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "fair.example.org"}, ["DATABASE_URL"]),
    ],
)
def test_production_refuses_to_start_without_its_variables(tmp_path, present, missing):
    result = run(["manage.py", "check"], tmp_path, TRADEFAIR_MODE="production", **present)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    for name in missing:
        assert name in message
    for name in present:
        assert name not in message


def test_production_passes_check_deploy(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        TRADEFAIR_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="fair.example.org",
        DATABASE_URL=PG_URL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_keeps_healthz_out_of_the_ssl_redirect(tmp_path):
    s = settings_with(
        tmp_path,
        TRADEFAIR_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="fair.example.org",
        DATABASE_URL=PG_URL,
    )
    assert s["DEBUG"] is False
    import re

    assert any(re.search(pattern, "healthz") for pattern in s["SECURE_REDIRECT_EXEMPT"])


def test_database_url_postgres(tmp_path):
    s = settings_with(tmp_path, DATABASE_URL="postgres://fair:secret@db.internal:5433/tradefair")
    assert s["DATABASE"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "tradefair",
        "HOST": "db.internal",
        "PORT": 5433,
        "USER": "fair",
    }


def test_database_url_sqlite_path(tmp_path):
    path = tmp_path / "elsewhere" / "fair.sqlite3"
    s = settings_with(tmp_path, DATABASE_URL=f"sqlite:///{path}")
    assert s["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["DATABASE"]["NAME"] == str(path)


def test_redis_url_switches_channel_layer_cache_and_job_broker(tmp_path):
    s = settings_with(tmp_path, REDIS_URL="redis://cache.internal:6380/2")
    assert s["CHANNEL_LAYER"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert s["BOOTH_LAYER"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"  # the booth hubs
    for layer in (s["CHANNEL_LAYER"], s["BOOTH_LAYER"]):
        hosts = [h["address"] if isinstance(h, dict) else h for h in layer["CONFIG"]["hosts"]]
        assert hosts == ["redis://cache.internal:6380/2"]
    assert s["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert s["Q_CLUSTER"] == {"orm": None, "redis": "redis://cache.internal:6380/2"}


def test_s3_bucket_switches_default_storage(tmp_path):
    s = settings_with(
        tmp_path,
        S3_BUCKET="fair-media",
        S3_ENDPOINT_URL="http://minio.internal:9000",
        AWS_ACCESS_KEY_ID="id",
        AWS_SECRET_ACCESS_KEY="key",
    )
    assert s["STORAGE"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s["STORAGE"]["OPTIONS"]["bucket_name"] == "fair-media"
    assert s["STORAGE"]["OPTIONS"]["endpoint_url"] == "http://minio.internal:9000"


JANUS = {
    "JANUS_ADMIN_URL": "http://janus.internal:7088/admin",
    "JANUS_ADMIN_SECRET": "a" * 30,
    "JANUS_TOKEN_SECRET": "t" * 30,
    "JANUS_ROOM_ADMIN_KEY": "k" * 30,
    "JANUS_PUBLIC_URL": "wss://fair.example.org/janus",
}
JANUS_STATE = (
    "import django; django.setup()\nfrom kernel.janus import janus_available, janus_missing_settings\n"
)
JANUS_STATE += "print(janus_available(), ','.join(janus_missing_settings()))"


def test_janus_is_unavailable_on_the_embedded_default(tmp_path):
    result = run(["-c", JANUS_STATE], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", ",".join(JANUS)]


def test_janus_is_available_when_all_its_variables_are_set(tmp_path):
    result = run(["-c", JANUS_STATE], tmp_path, **JANUS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def test_janus_half_configured_refuses_to_start(tmp_path):
    partial = {k: v for k, v in JANUS.items() if k not in ("JANUS_TOKEN_SECRET", "JANUS_PUBLIC_URL")}
    result = run(["manage.py", "check"], tmp_path, **partial)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in message
    assert "JANUS_TOKEN_SECRET" in message and "JANUS_PUBLIC_URL" in message
    assert "JANUS_ADMIN_SECRET" not in message


def test_fair_creation_is_open_embedded_approved_in_production_and_checked(tmp_path):
    show = "import django; django.setup()\nfrom django.conf import settings; print(settings.FAIR_CREATION)"
    assert run(["-c", show], tmp_path).stdout.strip().splitlines()[-1] == "anyone"
    production = {
        "TRADEFAIR_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "fair.example.org",
        "DATABASE_URL": PG_URL,
    }
    assert run(["-c", show], tmp_path, **production).stdout.strip().splitlines()[-1] == "approved"
    assert run(["-c", show], tmp_path, FAIR_CREATION="Approved").stdout.strip().splitlines()[-1] == "approved"
    bad = run(["-c", show], tmp_path, FAIR_CREATION="everyone")
    assert bad.returncode != 0 and 'FAIR_CREATION must be "anyone" or "approved"' in bad.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", "change-me-to-50-random-characters"),
        ("SECRET_KEY", "embedded-default-key-not-for-production-use-0123456789abcdefghij"),
        ("DATABASE_URL", "postgres://tradefair:change-me@db:5432/tradefair"),
        ("TURN_SECRET", "change-me-long-random"),
    ],
)
def test_production_refuses_the_placeholder_secrets_of_env_example(tmp_path, name, value):
    """Issue 14: production mode started with SECRET_KEY copied from deploy/env.example."""
    good = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "fair.example.org",
        "DATABASE_URL": PG_URL,
    }
    result = run(["manage.py", "check"], tmp_path, TRADEFAIR_MODE="production", **{**good, name: value})
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "placeholder secrets" in message and name in message
    example = (ROOT / "deploy" / "env.example").read_text()
    assert "SECRET_KEY=change-me" in example  # the file this protects against


def test_the_served_application_ranks_on_one_blas_thread():
    """The ASGI process (daphne) serves rankings one buyer at a time: its BLAS runs one thread, while a
    process that only fits (the worker) keeps every core."""
    code = (
        "import json, numpy, threadpoolctl\n"
        "def blas():\n"
        "    return [i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas']\n"
        "before = blas()\n"
        "import config.asgi\n"
        "print(json.dumps([before, blas()]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")} | {
        "OPENBLAS_NUM_THREADS": "2"
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    before, after = json.loads(out.stdout.strip().splitlines()[-1])
    assert before and all(n == 2 for n in before)
    assert after and all(n == 1 for n in after)
