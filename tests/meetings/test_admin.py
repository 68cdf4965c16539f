"""Every model of meetings/ has an admin whose pages render for a superuser, with a meeting in it."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from meetings import services
from tests import factories

MODELS = list(apps.get_app_config("meetings").get_models())


@pytest.fixture
def superuser_client(client, db):
    client.force_login(factories.user(is_superuser=True, is_staff=True))
    return client


def test_every_model_is_registered():
    assert [m._meta.label for m in MODELS if not admin.site.is_registered(m)] == []


def test_meetings_use_raw_ids_not_select_boxes():
    model_admin = admin.site._registry[apps.get_model("meetings.Meeting")]
    assert {"buyer", "booth", "slot", "interpreter"} <= set(model_admin.raw_id_fields)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_add_and_change_pages_render(superuser_client, booking, model):
    meeting = services.meeting_request(
        actor=booking["buyer"].user, buyer=booking["buyer"], booth=booking["booth"], slot=booking["slots"][0]
    )
    services.feed_get_or_create(user=booking["buyer"].user)
    opts = model._meta
    base = f"admin:{opts.app_label}_{opts.model_name}"
    assert superuser_client.get(reverse(f"{base}_changelist")).status_code == 200
    assert superuser_client.get(reverse(f"{base}_changelist") + "?q=Seoul").status_code == 200
    assert superuser_client.get(reverse(f"{base}_add")).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        page = superuser_client.get(reverse(f"{base}_change", args=[obj.pk]))
        assert page.status_code == 200
    if model._meta.model_name == "meeting":
        assert "Seoul Glow Co." in superuser_client.get(reverse(f"{base}_changelist")).content.decode()
        assert meeting.pk
