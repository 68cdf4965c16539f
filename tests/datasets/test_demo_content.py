"""The demo fair looks like a fair: booth texts in English and Korean from templates per industry,
pictures drawn locally with Pillow (deterministic per seed), hall names in every language."""

from __future__ import annotations

import io
import random

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image

from datasets.demo_content import banner_image, demo_booths_dress, logo_image, product_image
from exhibitors.models import Booth, ProductImage
from fair.halls import DEFAULT_HALLS

pytestmark = pytest.mark.django_db


def test_pictures_are_drawn_the_same_for_the_same_seed():
    colours = ((10, 20, 30), (200, 100, 50))
    one = logo_image(name="Seoul Glow Co.", colours=colours, rng=random.Random("7:a"))
    assert one == logo_image(name="Seoul Glow Co.", colours=colours, rng=random.Random("7:a"))
    assert one != logo_image(name="Busan Snacks", colours=colours, rng=random.Random("7:a"))
    banner = Image.open(
        io.BytesIO(banner_image(name="X", tagline="Y", colours=colours, rng=random.Random(1)))
    )
    assert banner.size == (1200, 360)
    picture = product_image(
        name="Hyaluronic acid serum", industry="cosmetics", colours=colours, rng=random.Random(1)
    )
    assert Image.open(io.BytesIO(picture)).size == (600, 600)


def test_booths_get_korean_and_english_texts_logos_banners_and_product_pictures(client, small_fair):
    fair = small_fair["fair"]
    drawn = demo_booths_dress(fair=fair, seed=3)
    glow = Booth.objects.get(pk=small_fair["booths"]["cosmetics"].pk)
    assert glow.logo.name.endswith(".jpg") and glow.banner.name and drawn >= 3 * 2
    assert glow.tagline_en and glow.tagline_ko and "Seoul Glow Co." in glow.story_ko
    product = glow.products.get()
    assert product.name_ko and product.description_ko.startswith(product.name_ko)
    assert ProductImage.objects.filter(product=product).exists()
    # A Korean visitor reads the booth in Korean, with its pictures.
    page = client.get(reverse("booth_detail", args=[fair.slug, glow.pk]), headers={"accept-language": "ko"})
    body = page.content.decode()
    assert glow.tagline_ko in body and product.name_ko in body
    assert glow.banner.url in body and glow.logo.url in body and product.images.get().thumbnail.url in body
    # The hall shows each booth's logo.
    hall = client.get(reverse("hall_detail", args=[fair.slug, "beauty"]), headers={"accept-language": "ko"})
    assert glow.logo.url in hall.content.decode()


def test_default_halls_are_named_in_every_language():
    for spec in DEFAULT_HALLS:
        assert {column for column, _name in spec.names} == {"ko", "zh_hans", "ja", "vi", "ind"}, spec.slug


def test_imported_halls_speak_the_visitors_language(client, tmp_path):
    from datasets.generator import generate_fair
    from datasets.importing import fair_import

    generate_fair(tmp_path, exhibitors=6, buyers=6, seed=1)
    fair_import(path=tmp_path, fair_slug="gen")
    with translation.override("ja"):
        body = client.get(
            reverse("hall_list", args=["gen"]), headers={"accept-language": "ja"}
        ).content.decode()
    assert "ビューティー・化粧品" in body
