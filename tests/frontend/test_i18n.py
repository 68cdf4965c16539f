"""Every page speaks the six UI languages; the switcher sticks to the user; times follow the viewer."""

from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

# The heading of the role-aware home page in each UI language.
MY_HOME = {
    "en": "My home",
    "ko": "내 홈",
    "zh-hans": "我的主页",
    "ja": "マイホーム",
    "vi": "Trang của tôi",
    "id": "Beranda saya",
}
HALLS = {"en": "Halls", "ko": "홀", "zh-hans": "展馆", "ja": "ホール", "vi": "Khu trưng bày", "id": "Hall"}
LOCALE_DIR = Path(settings.BASE_DIR) / "frontend" / "locale"


def page_urls(small_fair):
    return [
        "/",
        reverse("fair_list"),
        reverse("fair_home", args=["demo-expo"]),
        reverse("hall_list", args=["demo-expo"]),
        reverse("hall_detail", args=["demo-expo", "beauty"]),
        reverse("booth_detail", args=["demo-expo", small_fair["booths"]["cosmetics"].pk]),
        reverse("profile"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
    ]


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_every_page_renders_in_every_ui_language(client, small_fair, code):
    user = small_fair["buyer"].user
    user.language = code
    user.save()
    client.force_login(user)
    for url in page_urls(small_fair):
        if url.startswith("/accounts/") and url != reverse("account_reset_password"):
            continue  # sign in / sign up redirect a signed-in user; checked anonymously below
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        assert f'<html lang="{code}"' in body, url
    body = client.get("/").content.decode()
    assert f"<h1>{MY_HOME[code]}</h1>" in body
    body = client.get(reverse("hall_list", args=["demo-expo"])).content.decode()
    assert f"<h1>{HALLS[code]}</h1>" in body


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_anonymous_pages_render_in_every_ui_language(client, small_fair, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    for url in page_urls(small_fair):
        if url == reverse("profile"):
            continue
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert f'<html lang="{code}"' in response.content.decode(), url


def test_switching_language_changes_the_text_and_is_saved_on_the_user(client, small_fair):
    user = small_fair["buyer"].user
    client.force_login(user)
    assert "<h1>My home</h1>" in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.language == "ko"
    body = client.get("/").content.decode()
    assert '<html lang="ko"' in body and "<h1>내 홈</h1>" in body
    # A new session (another device) starts in the saved language too.
    client.logout()
    client.cookies.clear()
    client.force_login(user)
    assert "<h1>내 홈</h1>" in client.get("/").content.decode()


def test_switching_language_anonymously_uses_the_cookie(client, small_fair):
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    body = client.get(reverse("hall_list", args=["demo-expo"])).content.decode()
    assert '<html lang="ja"' in body and "<h1>ホール</h1>" in body


def test_unknown_language_changes_nothing(client, small_fair):
    user = small_fair["buyer"].user
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_profile_sets_time_zone_and_language(client, small_fair):
    user = small_fair["buyer"].user
    client.force_login(user)
    response = client.post(
        reverse("profile"),
        {"first_name": "Aiko", "last_name": "Sato", "time_zone": "Asia/Tokyo", "language": "ja"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.time_zone, user.language) == ("Aiko", "Asia/Tokyo", "ja")
    body = client.get(response["Location"]).content.decode()
    assert "設定を保存しました。" in body


def test_profile_refuses_an_unknown_time_zone(client, small_fair):
    user = small_fair["buyer"].user
    client.force_login(user)
    response = client.post(reverse("profile"), {"time_zone": "Mars/Olympus", "language": "en"})
    assert response.status_code == 200 and 'class="errors"' in response.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "UTC"


def test_fair_times_are_shown_in_the_viewer_zone_and_the_fair_zone(client, small_fair):
    # The fair (Asia/Seoul) opens on its first day at 09:00 KST = the evening before, 19:00 in New York.
    first, eve = factories.FAIR_START, factories.FAIR_START - timedelta(days=1)
    month = {11: "Nov.", 12: "Dec."}  # the first Tuesday of December, and the day before it
    user = factories.user(time_zone="America/New_York")
    client.force_login(user)
    body = client.get(reverse("fair_home", args=["demo-expo"])).content.decode()
    viewer = body.split('class="viewer-time"')[1].split("</dd>")[0]
    fair = body.split('class="fair-time"')[1].split("</dd>")[0]
    assert f'datetime="{eve}T19:00:00-05:00"' in viewer
    assert f"{month[eve.month]} {eve.day}, {eve.year}, 7 p.m." in viewer
    assert f'datetime="{first}T09:00:00+09:00"' in fair and f"Dec. {first.day}, {first.year}, 9 a.m." in fair
    assert "Your time (America/New_York)" in body and "Times are shown in America/New_York." in body


@pytest.mark.parametrize("lang", ["ko", "zh_Hans", "ja", "vi", "id"])
def test_every_string_of_the_pages_is_translated(lang):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "django.po").open("rb") as f:
        catalog = read_po(f)
    ours = [m for m in catalog if m.id and any(path.startswith("frontend/") for path, _line in m.locations)]
    assert len(ours) > 80
    missing = [
        m.id for m in ours if not (all(m.string) if isinstance(m.string, tuple) else m.string) or m.fuzzy
    ]
    assert not missing, f"{lang}: untranslated {missing}"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("ko", "할랄 인증"),
        ("zh-hans", "清真认证"),
        ("ja", "ハラール認証"),
        ("vi", "Chứng nhận Halal"),
        ("id", "Sertifikat halal"),
    ],
)
def test_certification_names_are_in_the_viewers_language(client, small_fair, code, name):
    booth = small_fair["booths"]["cosmetics"]
    booth.company.certifications = ["HALAL"]
    booth.company.save(update_fields=["certifications"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    page = client.get(reverse("booth_detail", args=["demo-expo", booth.pk])).content.decode()
    assert f'<abbr title="{name}">HALAL</abbr>' in page
