"""The booth builder: texts in several languages with fallback, products with HS codes, publishing;
every write path refused to another exhibitor, a buyer and an anonymous visitor, with nothing changed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from exhibitors import builder
from exhibitors.models import Booth, BoothDocument, Product, ProductImage
from fair.models import Interaction
from kernel.errors import DomainError, PermissionDenied
from tests import factories, media_samples

pytestmark = pytest.mark.django_db
PDF = media_samples.pdf()


def jpeg(size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    storages._storages = {}
    yield Path(settings.MEDIA_ROOT)
    storages._storages = {}


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- texts and their fallback ------------------------------------------------------------------


def test_texts_in_several_languages_and_the_fallback_order(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    user = small_fair["staff"].user
    builder.booth_update(
        user=user,
        booth=booth,
        texts={
            "tagline_en": "Skin care from Seoul",
            "tagline_ko": "서울의 스킨케어",
            "story_ja": "ソウル生まれの化粧品",
        },
    )
    booth = Booth.objects.get(pk=booth.pk)
    with translation.override("ko"):
        assert booth.tagline == "서울의 스킨케어"
    with translation.override("vi"):
        assert booth.tagline == "Skin care from Seoul"  # no Vietnamese: English
        assert booth.story == "ソウル生まれの化粧品"  # no Vietnamese, no English: any language with text
    with translation.override("en"):
        assert booth.story == "ソウル生まれの化粧品"


def test_buyer_sees_the_booth_in_their_language(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    builder.booth_update(
        user=small_fair["staff"].user,
        booth=booth,
        texts={"tagline_en": "Skin care from Seoul", "tagline_ja": "ソウルのスキンケア"},
    )
    buyer = small_fair["buyer"].user
    buyer.language = "ja"
    buyer.save()
    client.force_login(buyer)
    body = client.get(reverse("booth_detail", args=["demo-expo", booth.pk])).content.decode()
    assert "ソウルのスキンケア" in body and "Skin care from Seoul" not in body


def test_profile_markets_certifications_languages_and_video_link(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    builder.booth_update(
        user=small_fair["staff"].user,
        booth=booth,
        target_markets=["cn", "ID"],
        certifications=["halal", "NMPA"],
        languages=["ko", "EN"],
        video_url="https://video.example/company",
    )
    booth = Booth.objects.select_related("company").get(pk=booth.pk)
    assert booth.target_markets == ["CN", "ID"]
    assert booth.company.certifications == ["HALAL", "NMPA"] and booth.company.languages == ["ko", "en"]
    assert booth.video_url == "https://video.example/company"


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"target_markets": ["XX"]}, "booth.invalid"),
        ({"certifications": ["MADE UP!"]}, "booth.invalid"),  # malformed (an unlisted code is kept)
        ({"video_url": "javascript:alert(1)"}, "booth.invalid"),
        ({"texts": {"company_id": "5"}}, "booth.invalid"),
    ],
)
def test_bad_profile_input_changes_nothing(small_fair, kwargs, code):
    booth = small_fair["booths"]["cosmetics"]
    before = (booth.target_markets, booth.company.certifications, booth.video_url)
    with pytest.raises(DomainError) as e:
        builder.booth_update(user=small_fair["staff"].user, booth=booth, **kwargs)
    assert e.value.code == code
    booth = Booth.objects.select_related("company").get(pk=booth.pk)
    assert (booth.target_markets, booth.company.certifications, booth.video_url) == before


# --- products ---------------------------------------------------------------------------------------


def product_values(**extra):
    values = {
        "name_en": "Green tea toner",
        "name_ko": "녹차 토너",
        "description_en": "Calms the skin.",
        "hs_code": "3304.99",
        "moq": 200,
        "moq_unit": "bottles",
        "price_min": "2.50",
        "price_max": "3.10",
        "currency": "usd",
        "incoterm": "FOB",
        "position": 1,
    }
    values.update(extra)
    return values


def test_product_with_hs_code_price_incoterm_and_images(small_fair, media_root):
    booth = small_fair["booths"]["snacks"]  # sells 1905: a cosmetics product adds heading 3304
    staff = factories.staff(booth).user
    uploads = [SimpleUploadedFile("a.jpg", jpeg()), SimpleUploadedFile("b.jpg", jpeg((300, 900)))]
    product = builder.product_save(user=staff, booth=booth, values=product_values(), uploads=uploads)
    product.refresh_from_db()
    assert (product.hs_code, product.currency, product.incoterm) == ("330499", "USD", "FOB")
    assert product.images.count() == 2 and len(files_in(media_root)) == 4  # images and thumbnails
    with translation.override("ko"):
        assert Product.objects.get(pk=product.pk).name == "녹차 토너"
    with translation.override("id"):
        assert Product.objects.get(pk=product.pk).name == "Green tea toner"
    booth.refresh_from_db()
    assert booth.hs_codes == ["1905", "3304"]


@pytest.mark.parametrize(
    "values,code",
    [
        ({"hs_code": "7701"}, "product.invalid"),  # chapter 77 does not exist
        ({"hs_code": "33"}, "product.invalid"),  # a chapter is not precise enough for a product
        ({"price_min": "5", "price_max": "1"}, "product.invalid"),
        ({"currency": "DOLLARS"}, "product.invalid"),
        ({"incoterm": "XYZ"}, "product.invalid"),
        ({"name_en": "", "name_ko": ""}, "product.no_name"),
    ],
)
def test_bad_product_input_changes_nothing(small_fair, media_root, values, code):
    booth = small_fair["booths"]["cosmetics"]
    with pytest.raises(DomainError) as e:
        builder.product_save(
            user=small_fair["staff"].user,
            booth=booth,
            values=product_values(**values),
            uploads=[SimpleUploadedFile("a.jpg", jpeg())],
        )
    assert e.value.code == code
    assert booth.products.count() == 1 and files_in(media_root) == []


def test_a_bad_image_refuses_the_new_product(small_fair, media_root):
    booth = small_fair["booths"]["cosmetics"]
    with pytest.raises(DomainError) as e:
        builder.product_save(
            user=small_fair["staff"].user,
            booth=booth,
            values=product_values(),
            uploads=[SimpleUploadedFile("a.jpg", jpeg()), SimpleUploadedFile("b.jpg", b"GIF89a broken")],
        )
    assert e.value.code == "upload.not_an_image" and "b.jpg" in e.value.message
    assert booth.products.count() == 1 and files_in(media_root) == []


def test_deleting_a_product_removes_its_files(small_fair, media_root):
    booth = small_fair["booths"]["cosmetics"]
    user = small_fair["staff"].user
    product = builder.product_save(
        user=user, booth=booth, values=product_values(), uploads=[SimpleUploadedFile("a.jpg", jpeg())]
    )
    assert len(files_in(media_root)) == 2
    builder.product_delete(user=user, booth=booth, product_id=product.pk)
    assert files_in(media_root) == [] and not Product.objects.filter(pk=product.pk).exists()


# --- publishing ---------------------------------------------------------------------------------------


def test_publish_needs_a_product_and_only_published_booths_are_public(client, small_fair):
    draft = small_fair["booths"]["draft"]
    staff = factories.staff(draft).user
    url = reverse("booth_detail", args=["demo-expo", draft.pk])
    with pytest.raises(DomainError) as e:
        builder.booth_publish(user=staff, booth=draft)
    assert e.value.code == "booth.no_products"
    builder.product_save(user=staff, booth=draft, values=product_values())
    assert client.get(url).status_code == 404
    builder.booth_publish(user=staff, booth=draft)
    assert client.get(url).status_code == 200
    builder.booth_unpublish(user=staff, booth=draft)
    assert client.get(url).status_code == 404


def test_organizer_of_the_fair_may_edit(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    builder.booth_update(user=small_fair["organizer"].user, booth=booth, texts={"tagline_en": "Checked"})
    assert Booth.objects.get(pk=booth.pk).tagline_en == "Checked"
    other_organizer = factories.participant(factories.fair(), "organizer").user
    with pytest.raises(PermissionDenied):
        builder.booth_update(user=other_organizer, booth=booth, texts={"tagline_en": "Hijacked"})


# --- every write path, refused to outsiders ---------------------------------------------------------


def state(booth: Booth, root: Path):
    booth = Booth.objects.select_related("company").get(pk=booth.pk)
    return (
        booth.status,
        booth.tagline_en,
        booth.target_markets,
        booth.company.certifications,
        booth.logo.name,
        sorted(Product.objects.filter(booth=booth).values_list("pk", "name_en", "hs_code")),
        ProductImage.objects.filter(product__booth=booth).count(),
        BoothDocument.objects.filter(booth=booth).count(),
        sorted(str(p) for p in files_in(root)),
    )


def write_requests(booth, product, image, document):
    args = ["demo-expo", booth.pk]
    return [
        ("booth_builder", args, {"section": "texts", "tagline_en": "Hacked"}),
        ("booth_builder", args, {"section": "profile", "target_markets": ["US"], "certifications": ["FDA"]}),
        ("booth_media", args, {"kind": "logo", "file": SimpleUploadedFile("l.jpg", jpeg())}),
        ("booth_media", args, {"action": "clear", "kind": "logo"}),
        ("booth_publish", args, {"action": "unpublish"}),
        ("brochure_add", args, {"title": "Spam", "file": SimpleUploadedFile("s.pdf", PDF)}),
        ("brochure_remove", [*args, document.pk], {}),
        ("product_new", args, {**product_values(), "images": SimpleUploadedFile("p.jpg", jpeg())}),
        ("product_edit", [*args, product.pk], {**product_values(name_en="Renamed")}),
        ("product_delete", [*args, product.pk], {}),
        ("product_image_remove", [*args, product.pk, image.pk], {}),
    ]


@pytest.mark.parametrize("who", ["other_exhibitor", "buyer", "anonymous"])
def test_every_write_path_is_refused_to_outsiders(client, small_fair, media_root, who):
    booth = small_fair["booths"]["cosmetics"]
    staff = small_fair["staff"].user
    builder.booth_media_set(user=staff, booth=booth, kind="logo", upload=SimpleUploadedFile("l.jpg", jpeg()))
    product = booth.products.get()
    [image] = builder.product_images_add(
        user=staff, booth=booth, product=product, uploads=[SimpleUploadedFile("i.jpg", jpeg())]
    )
    document = builder.brochure_add(
        user=staff, booth=booth, title="Catalogue", upload=SimpleUploadedFile("c.pdf", PDF)
    )
    if who == "other_exhibitor":
        client.force_login(factories.staff(small_fair["booths"]["snacks"]).user)
    elif who == "buyer":
        client.force_login(small_fair["buyer"].user)
    before = state(booth, media_root)
    for name, args, data in write_requests(booth, product, image, document):
        url = reverse(name, args=args)
        response = client.post(url, data)
        if who == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name
        else:
            assert response.status_code == 403, (name, response.status_code)
        assert state(booth, media_root) == before, name
    # The builder page itself is closed too.
    response = client.get(reverse("booth_builder", args=["demo-expo", booth.pk]))
    assert response.status_code == (302 if who == "anonymous" else 403)


def test_staff_can_use_every_write_path(client, small_fair, media_root):
    booth = small_fair["booths"]["cosmetics"]
    staff = small_fair["staff"].user
    product = booth.products.get()
    [image] = builder.product_images_add(
        user=staff, booth=booth, product=product, uploads=[SimpleUploadedFile("i.jpg", jpeg())]
    )
    document = builder.brochure_add(
        user=staff, booth=booth, title="Catalogue", upload=SimpleUploadedFile("c.pdf", PDF)
    )
    client.force_login(staff)
    for name, args, data in write_requests(booth, product, image, document):
        if name == "product_image_remove":
            continue  # its product was deleted just before
        response = client.post(reverse(name, args=args), data)
        assert response.status_code == 302, (name, response.status_code, response.content[:500])


def test_a_meeting_language_from_an_import_stays_ticked_when_the_profile_is_saved(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    booth.company.languages = ["ko", "pt"]  # Portuguese: not among the languages offered first
    booth.company.save(update_fields=["languages"])
    client.force_login(small_fair["staff"].user)
    url = reverse("booth_builder", args=["demo-expo", booth.pk])

    page = client.get(url).content.decode()
    assert re.search(r'<input type="checkbox" name="languages" value="pt"[^>]* checked>', page)
    assert "português" in page  # each language named in itself
    response = client.post(url, {"section": "profile", "languages": ["ko", "pt", "ja"]})
    assert response.status_code == 302
    booth.company.refresh_from_db()
    assert booth.company.languages == ["ko", "pt", "ja"]


def test_a_rejected_upload_through_the_page_shows_a_clear_message(client, small_fair, media_root):
    booth = small_fair["booths"]["cosmetics"]
    client.force_login(small_fair["staff"].user)
    response = client.post(
        reverse("brochure_add", args=["demo-expo", booth.pk]),
        {"title": "Catalogue", "file": SimpleUploadedFile("catalogue.pdf", b"<html>not a pdf</html>")},
    )
    assert response.status_code == 400
    assert "This file is not a PDF document." in response.content.decode()
    assert files_in(media_root) == [] and not BoothDocument.objects.exists()


# --- HS picker, product views, visits ------------------------------------------------------------------


def test_hs_picker_finds_codes_by_number_and_by_english_and_korean_words(client, db):
    by_code = client.get(reverse("hs_search_json"), {"q": "3304"}).json()["results"]
    assert by_code[0]["code"] == "3304"
    by_english = {
        r["code"] for r in client.get(reverse("hs_search_json"), {"q": "cosmetics"}).json()["results"]
    }
    assert "33" in by_english
    by_korean = {r["code"] for r in client.get(reverse("hs_search_json"), {"q": "화장품"}).json()["results"]}
    assert "33" in by_korean
    assert client.get(reverse("hs_search_json"), {"q": ""}).json()["results"] == []


@pytest.mark.parametrize(
    ("language", "query", "code", "label"),
    [
        ("ja", "化粧品", "3304", "美容・メーキャップ・基礎化粧品"),
        ("ja", "コーヒー", "09", "コーヒー、茶及び香辛料"),
        ("zh-hans", "咖啡", "09", "咖啡、茶及调味香料"),
        ("vi", "ca phe", "09", "Cà phê, chè và gia vị"),
        ("id", "kopi", "2101", "Ekstrak kopi dan teh"),
        ("ko", "cosmetics", "33", "향료·화장품"),
        ("en", "化粧品", "3304", "Beauty, make-up and skin-care preparations"),
    ],
)
def test_hs_picker_finds_words_in_every_ui_language_and_names_codes_in_the_viewers(
    client, db, language, query, code, label
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(translation.get_language()):  # the request activates `language`
        response = client.get(reverse("hs_search_json"), {"q": query})
    results = {r["code"]: r for r in response.json()["results"]}
    assert results[code]["label"] == label
    assert set(results[code]["names"]) == {"en", "ko", "zh", "ja", "vi", "id"}
    assert results[code]["en"] == results[code]["names"]["en"] and results[code]["ko"]


def test_buyer_product_view_and_booth_visit_are_recorded_once_a_day(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    product = booth.products.get()
    client.force_login(small_fair["buyer"].user)
    for _ in range(2):
        assert client.get(reverse("booth_detail", args=["demo-expo", booth.pk])).status_code == 200
        assert (
            client.get(reverse("product_detail", args=["demo-expo", booth.pk, product.pk])).status_code == 200
        )
    kinds = sorted(Interaction.objects.filter(buyer=small_fair["buyer"]).values_list("kind", "product_id"))
    assert kinds == [("booth_visit", None), ("product_view", product.pk)]


def test_staff_viewing_their_own_booth_records_nothing(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    client.force_login(small_fair["staff"].user)
    client.get(reverse("product_detail", args=["demo-expo", booth.pk, booth.products.get().pk]))
    assert not Interaction.objects.exists()


def test_bookmarks_of_booths_and_products(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    product = booth.products.get()
    client.force_login(small_fair["buyer"].user)
    toggle = reverse("bookmark_toggle", args=["demo-expo", booth.pk])
    assert client.post(toggle, {}).status_code == 302
    assert client.post(toggle, {"product": product.pk}).status_code == 302
    body = client.get(reverse("bookmark_list", args=["demo-expo"])).content.decode()
    assert "Seoul Glow Co." in body and "Snail repair cream" in body
    page = client.get(reverse("booth_detail", args=["demo-expo", booth.pk])).content.decode()
    assert 'aria-pressed="true"' in page
    client.post(toggle, {"action": "remove"})
    client.post(toggle, {"action": "remove", "product": product.pk})
    assert (
        "You have no bookmarks yet"
        in client.get(reverse("bookmark_list", args=["demo-expo"])).content.decode()
    )


def test_only_buyers_bookmark(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    client.force_login(small_fair["staff"].user)
    assert client.post(reverse("bookmark_toggle", args=["demo-expo", booth.pk]), {}).status_code == 403
    client.logout()
    assert client.post(reverse("bookmark_toggle", args=["demo-expo", booth.pk]), {}).status_code == 302


@pytest.mark.parametrize("code", ["ko", "zh-hans", "ja", "vi", "id"])
def test_booth_builder_and_search_pages_speak_every_ui_language(client, small_fair, code):
    staff = small_fair["staff"].user
    staff.language = code
    staff.save()
    client.force_login(staff)
    booth = small_fair["booths"]["cosmetics"]
    urls = [
        reverse("booth_detail", args=["demo-expo", booth.pk]),
        reverse("booth_builder", args=["demo-expo", booth.pk]),
        reverse("product_new", args=["demo-expo", booth.pk]),
        reverse("fair_search", args=["demo-expo"]) + "?q=snail",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert f'<html lang="{code}"' in body, url
    with translation.override(code):
        assert translation.gettext("Live booth") != "Live booth"
        assert translation.gettext("Add a product") != "Add a product"
