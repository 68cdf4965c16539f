"""Every model of fair/ and exhibitors/ has an admin whose pages render for a superuser."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from fair.models import ApiToken, Participant
from tests import factories

APPS = ("fair", "exhibitors")


def models_of(app_labels):
    return [m for label in app_labels for m in apps.get_app_config(label).get_models()]


@pytest.fixture
def superuser_client(client, db):
    client.force_login(factories.user(is_superuser=True, is_staff=True))
    return client


def test_every_model_is_registered():
    missing = [m._meta.label for m in models_of(APPS) if not admin.site.is_registered(m)]
    assert missing == []


def test_big_tables_use_raw_ids_not_select_boxes():
    for label, fields in {
        "fair.Participant": {"user", "booth"},
        "fair.Interaction": {"buyer", "booth"},
    }.items():
        model_admin = admin.site._registry[apps.get_model(label)]
        assert fields <= set(model_admin.raw_id_fields) | set(model_admin.autocomplete_fields), label


@pytest.mark.parametrize("model", models_of(APPS), ids=lambda m: m._meta.label)
def test_changelist_and_add_page_render(superuser_client, small_fair, model):
    opts = model._meta
    changelist = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    searched = superuser_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?q=Seoul"
    )
    assert searched.status_code == 200
    # Rows made only on their own pages (API tokens: the token is shown once, to its owner) have no add page.
    can_add = model is not ApiToken
    add = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (200 if can_add else 403)
    obj = model.objects.first()
    if obj is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert superuser_client.get(url).status_code == 200


def test_fair_page_shows_its_halls_inline(superuser_client, small_fair):
    page = superuser_client.get(
        reverse("admin:fair_fair_change", args=[small_fair["fair"].pk])
    ).content.decode()
    assert "Beauty &amp; Cosmetics" in page and "Food &amp; Beverage" in page


def test_booth_page_shows_its_products_and_staff_inline(superuser_client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    page = superuser_client.get(reverse("admin:exhibitors_booth_change", args=[booth.pk])).content.decode()
    assert "Snail repair cream" in page
    assert small_fair["staff"].user.email in page or f'value="{small_fair["staff"].user.pk}"' in page


def test_booth_changelist_finds_by_company(superuser_client, small_fair):
    page = superuser_client.get(reverse("admin:exhibitors_booth_changelist") + "?q=Busan").content.decode()
    assert "Busan Snacks" in page and "Seoul Glow Co." not in page


def test_organizer_approves_participants_in_bulk(superuser_client, small_fair):
    pending = [factories.participant(small_fair["fair"], "buyer", status="pending") for _ in range(2)]
    response = superuser_client.post(
        reverse("admin:fair_participant_changelist"),
        {"action": "approve", "_selected_action": [p.pk for p in pending]},
        follow=True,
    )
    assert response.status_code == 200
    assert set(
        Participant.objects.filter(pk__in=[p.pk for p in pending]).values_list("status", flat=True)
    ) == {"approved"}
