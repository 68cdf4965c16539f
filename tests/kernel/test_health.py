"""/healthz answers for the database, the channel layer and storage, on each backend we run on."""

import os
import time

import pytest
from django.conf import settings

from tests.s3 import free_port, s3_server, s3_storages  # noqa: F401 - s3_server is a fixture

pytestmark = pytest.mark.django_db


def get_health(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return response.status_code, response.json()


def test_all_parts_fine_gives_200(client):
    status, body = get_health(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "channel_layer", "storage"}
    assert all(check["ok"] for check in body["checks"].values())


def test_it_runs_on_the_configured_backends(client):
    """On the embedded default and, in the second CI run, on PostgreSQL and Redis."""
    status, body = get_health(client)
    assert status == 200, body
    if os.environ.get("REDIS_URL"):
        assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def test_it_leaves_no_file_behind(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert get_health(client)[0] == 200
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_cheap_enough_for_a_probe(client):
    get_health(client)
    started = time.perf_counter()
    for _ in range(10):
        assert get_health(client)[0] == 200
    assert (time.perf_counter() - started) / 10 < 0.5


def test_channel_layer_on_a_closed_port_gives_503(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{free_port()}/0"]},
        }
    }
    status, body = get_health(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["failing"] == ["channel_layer"]
    assert body["checks"]["channel_layer"]["error"]
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]


def test_storage_on_a_real_s3_endpoint(client, settings, s3_server):  # noqa: F811
    endpoint, bucket, s3 = s3_server
    settings.STORAGES = s3_storages(endpoint, bucket)
    status, body = get_health(client)
    assert status == 200, body
    assert body["checks"]["storage"]["ok"]
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0  # saved, read back, deleted


def test_storage_failing_gives_503_naming_it(client, settings, s3_server):  # noqa: F811
    endpoint, bucket, _s3 = s3_server
    settings.STORAGES = s3_storages(endpoint, "no-such-bucket")
    status, body = get_health(client)
    assert status == 503
    assert body["failing"] == ["storage"]
    assert "NoSuchBucket" in body["checks"]["storage"]["error"] or "404" in body["checks"]["storage"]["error"]


def test_exempt_from_the_ssl_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/fairs/").status_code == 301
