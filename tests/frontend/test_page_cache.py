"""Hall and booth pages kept for anonymous visitors (frontend/page_cache.py, frontend/public_pages.py).

What a visitor would notice: an exhibitor's edit shows at once, a draft never shows, nobody gets
another person's page, and the language switcher of a kept page still works.
"""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from datasets.generator import generate_fair
from datasets.importing import fair_import
from exhibitors import builder, services
from exhibitors.access import viewer_of
from exhibitors.models import Booth
from fair import services as fair_services
from tests import factories, media_samples

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _rename_company(small_fair, name: str) -> None:
    """The exhibitor renames its company on its registration page (the service behind it)."""
    staff = small_fair["staff"]
    fair_services.registration_submit(user=staff.user, fair=staff.fair, role="exhibitor", company_name=name)


@pytest.fixture
def pages(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    return {
        "hall": reverse("hall_detail", args=["demo-expo", "beauty"]),
        "booth": reverse("booth_detail", args=["demo-expo", booth.pk]),
    }


@pytest.fixture
def staff_client(small_fair):
    c = Client()
    c.force_login(small_fair["staff"].user)
    return c


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def kept(client, url, django_assert_num_queries) -> str:
    """The page, once rendered and once more from the cache (no query the second time)."""
    first = body(client.get(url))
    with django_assert_num_queries(0):
        second = body(client.get(url))
    assert first == second
    return second


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), "teal").save(out, "JPEG")
    return out.getvalue()


# --- kept, and renewed when the page's content changes ----------------------------------------------


def test_anonymous_pages_are_kept_and_look_the_same(client, pages, django_assert_num_queries):
    assert "Seoul Glow Co." in kept(client, pages["hall"], django_assert_num_queries)
    assert "Snail repair cream" in kept(client, pages["booth"], django_assert_num_queries)


def test_an_exhibitors_edit_through_the_builder_shows_at_once(
    client, small_fair, pages, staff_client, django_assert_num_queries
):
    booth = small_fair["booths"]["cosmetics"]
    kept(client, pages["booth"], django_assert_num_queries)
    response = staff_client.post(
        reverse("booth_builder", args=["demo-expo", booth.pk]),
        {"section": "texts", "tagline_en": "Glass skin in three steps"},
    )
    assert response.status_code == 302
    assert "Glass skin in three steps" in body(client.get(pages["booth"]))


def test_product_changes_show_on_the_booth_page(client, small_fair, pages, django_assert_num_queries):
    booth, staff = small_fair["booths"]["cosmetics"], small_fair["staff"].user
    kept(client, pages["booth"], django_assert_num_queries)
    product = builder.product_save(
        user=staff, booth=booth, values={"name_en": "Green tea toner", "hs_code": "330499"}
    )
    assert "Green tea toner" in body(client.get(pages["booth"]))
    builder.product_save(user=staff, booth=booth, product=product, values={"name_en": "Matcha toner"})
    page = kept(client, pages["booth"], django_assert_num_queries)
    assert "Matcha toner" in page and "Green tea toner" not in page
    builder.product_images_add(
        user=staff, booth=booth, product=product, uploads=[SimpleUploadedFile("p.jpg", jpeg())]
    )
    assert 'class="product-thumb"' in kept(client, pages["booth"], django_assert_num_queries)
    builder.product_delete(user=staff, booth=booth, product_id=product.pk)
    assert "Matcha toner" not in body(client.get(pages["booth"]))


def test_media_brochures_and_live_status_show_on_the_booth_page(
    client, small_fair, pages, django_assert_num_queries
):
    """Writes that bypass save() (a queryset update) renew the page too."""
    booth, staff = small_fair["booths"]["cosmetics"], small_fair["staff"].user
    kept(client, pages["booth"], django_assert_num_queries)
    builder.booth_media_set(user=staff, booth=booth, kind="logo", upload=SimpleUploadedFile("l.jpg", jpeg()))
    assert 'class="booth-logo"' in kept(client, pages["booth"], django_assert_num_queries)
    builder.brochure_add(
        user=staff,
        booth=booth,
        title="Catalogue 2026",
        upload=SimpleUploadedFile("c.pdf", media_samples.pdf()),
    )
    assert "Catalogue 2026" in kept(client, pages["booth"], django_assert_num_queries)
    services.booth_status_set(booth=booth, viewer=viewer_of(staff, booth), status="on_duty")
    assert "Staff on duty</dd>" in body(client.get(pages["booth"]))


def test_company_and_hall_renames_show_on_the_hall_page(client, small_fair, pages, django_assert_num_queries):
    kept(client, pages["hall"], django_assert_num_queries)
    _rename_company(small_fair, "Seoul Glow Global")
    assert "Seoul Glow Global" in kept(client, pages["hall"], django_assert_num_queries)
    hall = small_fair["halls"]["beauty"]
    fair_services.hall_save(
        actor=small_fair["organizer"].user,
        fair=hall.fair,
        hall=hall,
        name="K-Beauty",
        hs_chapters=hall.hs_chapters,
    )
    assert "<h1>K-Beauty</h1>" in body(client.get(pages["hall"]))


def test_a_reimport_of_the_fair_dataset_renews_the_pages(client, tmp_path, django_assert_num_queries):
    """The import writes through bulk_update and COPY, which send no post_save: it says so itself."""
    folder = tmp_path / "world"
    generate_fair(folder, exhibitors=6, buyers=5, seed=3, interactions=20)
    fair_import(path=folder, fair_slug="spring-expo")
    booth = Booth.objects.select_related("company").get(fair__slug="spring-expo", external_id="E00001")
    url = reverse("booth_detail", args=["spring-expo", booth.pk])
    assert booth.company.name in kept(client, url, django_assert_num_queries)
    csv = folder / "exhibitors.csv"
    csv.write_text(
        csv.read_text(encoding="utf-8").replace(booth.company.name, "Renamed By Import"), encoding="utf-8"
    )
    fair_import(path=folder, fair_slug="spring-expo")
    assert "Renamed By Import" in body(client.get(url))


def test_the_version_changes_again_after_the_commit(small_fair, django_capture_on_commit_callbacks):
    from frontend.public_pages import public_pages_changed, public_pages_version

    before = public_pages_version("demo-expo")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        public_pages_changed(fair_id=small_fair["fair"].pk)
    during = public_pages_version("demo-expo")
    assert during != before and len(callbacks) == 1
    callbacks[0]()
    assert public_pages_version("demo-expo") not in (before, during)


# --- never a draft, never somebody else's page --------------------------------------------------------


def test_unpublishing_hides_the_booth_at_once_and_publishing_shows_it(
    client, small_fair, pages, staff_client, django_assert_num_queries
):
    booth = small_fair["booths"]["cosmetics"]
    kept(client, pages["hall"], django_assert_num_queries)
    kept(client, pages["booth"], django_assert_num_queries)
    publish = reverse("booth_publish", args=["demo-expo", booth.pk])
    assert staff_client.post(publish, {"action": "unpublish"}).status_code == 302
    assert client.get(pages["booth"]).status_code == 404
    assert "Seoul Glow Co." not in body(client.get(pages["hall"]))
    assert staff_client.post(publish, {}).status_code == 302
    assert "Seoul Glow Co." in body(client.get(pages["hall"]))
    assert client.get(pages["booth"]).status_code == 200


def test_a_draft_seen_by_its_staff_is_never_kept_for_the_public(client, small_fair):
    draft = small_fair["booths"]["draft"]
    url = reverse("booth_detail", args=["demo-expo", draft.pk])
    staff = Client()
    staff.force_login(factories.staff(draft).user)
    assert "This booth is a draft" in body(staff.get(url))
    assert client.get(url).status_code == 404
    assert "Hidden Draft Ltd" not in body(client.get(reverse("hall_detail", args=["demo-expo", "beauty"])))


def test_signed_in_visitors_get_their_own_page_not_the_kept_one(
    client, small_fair, pages, django_assert_num_queries
):
    booth, buyer = small_fair["booths"]["cosmetics"], small_fair["buyer"]
    anonymous = kept(client, pages["booth"], django_assert_num_queries)
    assert "Sign in to chat with the exhibitor." in anonymous and "Bookmark this booth" not in anonymous
    services.bookmark_add(participant=buyer, booth=booth)
    signed_in = Client()
    signed_in.force_login(buyer.user)
    page = body(signed_in.get(pages["booth"]))
    assert 'aria-pressed="true">Bookmarked<' in page and "Sign out" in page
    # ... and their page is never kept for anyone else.
    again = body(client.get(pages["booth"]))
    assert "Bookmarked" not in again and "Sign out" not in again and buyer.user.email not in again


def test_a_message_for_the_visitor_is_not_lost_to_the_cache(
    client, small_fair, pages, django_assert_num_queries
):
    kept(Client(), pages["hall"], django_assert_num_queries)
    client.force_login(small_fair["buyer"].user)
    assert client.post(reverse("account_logout")).status_code == 302
    assert "You have signed out." in body(client.get(pages["hall"]))


def test_unknown_query_parameters_are_rendered_not_kept(client, pages, django_assert_num_queries):
    kept(client, pages["hall"] + "?page=1", django_assert_num_queries)
    client.get(pages["hall"] + "?utm_source=mail")
    with CaptureQueriesContext(connection) as queries:
        client.get(pages["hall"] + "?utm_source=mail")
    assert len(queries) > 0


# --- languages and the language switcher ----------------------------------------------------------------


def test_each_language_has_its_own_kept_page(pages, django_assert_num_queries):
    english, korean = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="ko")
    assert '<html lang="en"' in kept(english, pages["hall"], django_assert_num_queries)
    assert '<html lang="ko"' in kept(korean, pages["hall"], django_assert_num_queries)
    assert '<html lang="en"' in body(english.get(pages["hall"]))


def test_the_anonymous_language_switcher_needs_no_token_and_a_kept_page_sets_no_cookie(
    pages, django_assert_num_queries
):
    visitor = Client(enforce_csrf_checks=True)
    page = kept(visitor, pages["booth"], django_assert_num_queries)
    assert 'id="language-select"' in page and "csrfmiddlewaretoken" not in page
    assert not Client().get(pages["booth"]).cookies  # nothing of one visitor's in a kept page
    switched = visitor.post(reverse("set_language"), {"language": "ja", "next": pages["booth"]})
    assert switched.status_code == 302 and switched["Location"] == pages["booth"]
    assert '<html lang="ja"' in body(visitor.get(pages["booth"]))


def test_saving_the_language_on_an_account_still_takes_a_csrf_token(small_fair, pages):
    user = small_fair["buyer"].user
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(user)
    [token] = TOKEN.findall(body(signed_in.get(pages["booth"])))[:1]
    forged = signed_in.post(reverse("set_language"), {"language": "ko", "next": "/"})  # no token
    assert forged.status_code == 403 and settings.LANGUAGE_COOKIE_NAME not in forged.cookies
    user.refresh_from_db()
    assert user.language == "en"
    signed_in.post(reverse("set_language"), {"language": "ko", "next": "/", "csrfmiddlewaretoken": token})
    user.refresh_from_db()
    assert user.language == "ko"


def test_a_kept_page_has_the_headers_of_a_rendered_one(client, pages):
    rendered = client.get(pages["hall"])
    from_cache = Client().get(pages["hall"])
    assert sorted(rendered.headers) == sorted(from_cache.headers)
    vary = [{v.strip() for v in r["Vary"].split(",")} for r in (rendered, from_cache)]
    assert vary[0] == vary[1] == {"Accept-Language", "Cookie"}
    assert rendered["Content-Type"] == from_cache["Content-Type"]


def test_the_hall_list_signed_in_visitors_see_is_renewed_too(small_fair, pages, staff_client):
    """Their page is rendered for them, but the booth list in it is kept for everyone."""
    buyer = Client()
    buyer.force_login(small_fair["buyer"].user)
    assert "Seoul Glow Co." in body(buyer.get(pages["hall"]))
    _rename_company(small_fair, "Seoul Glow Global")
    page = body(buyer.get(pages["hall"]))
    assert "Seoul Glow Global" in page and "Seoul Glow Co." not in page
    booth = small_fair["booths"]["cosmetics"]
    staff_client.post(reverse("booth_publish", args=["demo-expo", booth.pk]), {"action": "unpublish"})
    assert "Seoul Glow Global" not in body(buyer.get(pages["hall"]))
    assert "Seoul Glow Global" in body(
        staff_client.get(reverse("booth_detail", args=["demo-expo", booth.pk]))
    )
