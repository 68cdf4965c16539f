"""Upload rules: images re-encoded (EXIF gone, size capped, bombs refused), PDFs and videos checked by
content, sizes limited per kind; a refused upload leaves nothing in storage, on disk and on a real S3."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from exhibitors import builder, media
from exhibitors.models import Booth, BoothDocument, ProductImage
from tests import media_samples
from tests.s3 import s3_server, s3_storages  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

PDF = media_samples.pdf()
MP4 = media_samples.mp4()
WEBM = media_samples.webm()
# What a magic-bytes check let through (issue 14): the first bytes of a PDF or a video, nothing behind.
FAKE_PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML_PDF = b"<html><!-- %PDF-1.4 --><script>alert(document.cookie)</script></html>"
FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
FAKE_WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 64


def jpeg(width=800, height=600, *, exif: bool = False, fmt="JPEG", mode="RGB") -> bytes:
    img = Image.new(mode, (width, height), (200, 30, 60) if mode == "RGB" else (200, 30, 60, 128))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {2: (37.0, 33.0, 0.0)}  # GPS info
        img.save(out, fmt, exif=data.tobytes())
    else:
        img.save(out, fmt)
    return out.getvalue()


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    storages._storages = {}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    yield Path(settings.MEDIA_ROOT)
    storages._storages = {}


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def in_english():
    """Messages are checked in English, whatever language an earlier request left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def booth(small_fair):
    return small_fair["booths"]["cosmetics"]


@pytest.fixture
def staff_user(small_fair):
    return small_fair["staff"].user


# --- images --------------------------------------------------------------------------------------


def test_image_is_reencoded_without_exif_and_capped(media_root, booth, staff_user, settings):
    settings.UPLOAD_IMAGE_MAX_SIDE = 1000
    raw = jpeg(3000, 1500, exif=True)
    assert b"SecretCam" in raw
    product = booth.products.get()
    [image] = builder.product_images_add(
        user=staff_user, booth=booth, product=product, uploads=[upload("photo.jpg", raw)]
    )
    stored = (media_root / image.image.name).read_bytes()
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert img.size == (1000, 500)
        assert not img.getexif()
    with Image.open(media_root / image.thumbnail.name) as thumb:
        assert max(thumb.size) == media.THUMBNAIL_SIDE
    assert (image.width, image.height) == (1000, 500)


def test_png_with_transparency_stays_png(media_root, booth, staff_user):
    builder.booth_media_set(
        user=staff_user,
        booth=booth,
        kind="logo",
        upload=upload("logo.png", jpeg(200, 200, fmt="PNG", mode="RGBA")),
    )
    booth.refresh_from_db()
    assert booth.logo.name.endswith(".png")
    with Image.open(media_root / booth.logo.name) as img:
        assert img.mode == "RGBA"


def test_decompression_bomb_is_refused_and_nothing_stored(media_root, booth, staff_user, settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 10_000_000
    # A small PNG file that decodes to 5000 x 5000 = 25 megapixels.
    out = io.BytesIO()
    Image.new("1", (5000, 5000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(media.UploadError) as e:
        builder.booth_media_set(
            user=staff_user, booth=booth, kind="banner", upload=upload("b.png", out.getvalue())
        )
    assert e.value.code == "upload.image_too_many_pixels"
    assert "too large to process" in e.value.message
    booth.refresh_from_db()
    assert not booth.banner and stored_files(media_root) == []


def test_pillow_bomb_error_is_turned_into_a_clear_error(media_root, monkeypatch, booth, staff_user, settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 10**12  # our own cap off: Pillow's guard still holds
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(media.UploadError) as e:
        builder.booth_media_set(
            user=staff_user, booth=booth, kind="logo", upload=upload("l.jpg", jpeg(100, 100))
        )
    assert e.value.code == "upload.image_too_many_pixels"
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "name,data",
    [("fake.jpg", b"<html><script>alert(1)</script></html>"), ("doc.png", PDF), ("cut.jpg", jpeg()[:200])],
)
def test_not_an_image_is_refused_by_content(media_root, booth, staff_user, name, data):
    product = booth.products.get()
    with pytest.raises(media.UploadError) as e:
        builder.product_images_add(
            user=staff_user, booth=booth, product=product, uploads=[upload(name, data)]
        )
    assert e.value.code == "upload.not_an_image"
    assert ProductImage.objects.count() == 0 and stored_files(media_root) == []


def test_one_bad_image_refuses_the_whole_batch(media_root, booth, staff_user):
    product = booth.products.get()
    with pytest.raises(media.UploadError) as e:
        builder.product_images_add(
            user=staff_user,
            booth=booth,
            product=product,
            uploads=[upload("good.jpg", jpeg()), upload("bad.jpg", b"nope")],
        )
    assert "bad.jpg" in e.value.message
    assert ProductImage.objects.count() == 0 and stored_files(media_root) == []


# --- sizes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,call",
    [
        ("image", lambda u, b, f: builder.booth_media_set(user=u, booth=b, kind="logo", upload=f)),
        ("pdf", lambda u, b, f: builder.brochure_add(user=u, booth=b, title="Catalogue", upload=f)),
        ("video", lambda u, b, f: builder.booth_media_set(user=u, booth=b, kind="video", upload=f)),
    ],
)
def test_each_kind_has_its_size_limit(media_root, booth, staff_user, settings, kind, call):
    settings.UPLOAD_MAX_BYTES = {kind: 1024}
    data = {"image": jpeg(), "pdf": PDF + b"x" * 2000, "video": MP4 + b"\x00" * 2000}[kind]
    assert len(data) > 1024
    with pytest.raises(media.UploadError) as e:
        call(staff_user, booth, upload("f", data))
    assert e.value.code == "upload.too_large" and "too large" in e.value.message
    booth.refresh_from_db()
    assert not booth.logo and not booth.video and not BoothDocument.objects.exists()
    assert stored_files(media_root) == []


def test_default_limits():
    assert media.max_bytes("image") == 10 * media.MB
    assert media.max_bytes("pdf") == 20 * media.MB
    assert media.max_bytes("video") == 200 * media.MB


def test_empty_file_is_refused(media_root, booth, staff_user):
    with pytest.raises(media.UploadError) as e:
        builder.brochure_add(user=staff_user, booth=booth, title="Empty", upload=upload("e.pdf", b""))
    assert e.value.code == "upload.empty"


# --- PDFs and videos ----------------------------------------------------------------------------


def test_pdf_brochure_is_stored_and_a_renamed_file_is_refused(media_root, booth, staff_user):
    doc = builder.brochure_add(
        user=staff_user, booth=booth, title="Catalogue 2026", upload=upload("c.pdf", PDF)
    )
    assert (media_root / doc.file.name).read_bytes() == PDF
    with pytest.raises(media.UploadError) as e:
        builder.brochure_add(
            user=staff_user, booth=booth, title="Evil", upload=upload("evil.pdf", b"MZ\x90\x00exe")
        )
    assert e.value.code == "upload.not_a_pdf"
    assert BoothDocument.objects.count() == 1 and len(stored_files(media_root)) == 1


@pytest.mark.parametrize("data,ext", [(MP4, "mp4"), (WEBM, "webm")])
def test_mp4_and_webm_videos_are_accepted(media_root, booth, staff_user, data, ext):
    builder.booth_media_set(user=staff_user, booth=booth, kind="video", upload=upload("clip.bin", data))
    booth.refresh_from_db()
    assert booth.video.name.endswith("." + ext)


@pytest.mark.parametrize("data", [PDF, jpeg(), b"\x1a\x45\xdf\xa3 matroska but not web-m" + b"\x00" * 40])
def test_a_file_named_mp4_that_is_not_a_video_is_refused(media_root, booth, staff_user, data):
    with pytest.raises(media.UploadError) as e:
        builder.booth_media_set(user=staff_user, booth=booth, kind="video", upload=upload("clip.mp4", data))
    assert e.value.code == "upload.not_a_video"
    booth.refresh_from_db()
    assert not booth.video and stored_files(media_root) == []


def test_replacing_the_logo_removes_the_old_file(media_root, booth, staff_user):
    builder.booth_media_set(user=staff_user, booth=booth, kind="logo", upload=upload("a.jpg", jpeg()))
    first = Booth.objects.get(pk=booth.pk).logo.name
    builder.booth_media_set(user=staff_user, booth=booth, kind="logo", upload=upload("b.jpg", jpeg(300, 300)))
    second = Booth.objects.get(pk=booth.pk).logo.name
    assert first != second
    assert [p.relative_to(media_root).as_posix() for p in stored_files(media_root)] == [second]


# --- a real S3 endpoint -------------------------------------------------------------------------


def test_images_go_to_s3_and_a_refused_upload_leaves_no_object(s3_server, settings, booth, staff_user):  # noqa: F811
    endpoint, bucket, client = s3_server
    settings.STORAGES = s3_storages(endpoint, bucket)
    storages._storages = {}
    try:
        product = booth.products.get()
        [image] = builder.product_images_add(
            user=staff_user,
            booth=booth,
            product=product,
            uploads=[upload("p.jpg", jpeg(1200, 900, exif=True))],
        )
        keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"])
        assert keys == sorted([image.image.name, image.thumbnail.name])
        body = client.get_object(Bucket=bucket, Key=image.image.name)["Body"].read()
        assert b"SecretCam" not in body
        with Image.open(io.BytesIO(body)) as img:
            assert img.size == (1200, 900)
        # Read back through the storage API too.
        with default_storage.open(image.thumbnail.name) as f, Image.open(f) as thumb:
            assert max(thumb.size) == media.THUMBNAIL_SIDE
        assert image.image.url.startswith(endpoint)

        with pytest.raises(media.UploadError):
            builder.brochure_add(
                user=staff_user, booth=booth, title="x", upload=upload("x.pdf", b"not a pdf")
            )
        with pytest.raises(media.UploadError):
            builder.product_images_add(
                user=staff_user,
                booth=booth,
                product=product,
                uploads=[upload("ok.jpg", jpeg()), upload("x", b"!")],
            )
        keys_after = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"])
        assert keys_after == keys
    finally:
        storages._storages = {}


@pytest.mark.parametrize("data", [FAKE_PDF, HTML_PDF, PDF[:200]], ids=["header-only", "html", "cut"])
def test_a_file_that_only_starts_like_a_pdf_is_refused(media_root, booth, staff_user, data):
    """Issue 14: an HTML file with a %PDF comment passed the first-bytes check. pypdf reads it now."""
    with pytest.raises(media.UploadError) as e:
        builder.brochure_add(user=staff_user, booth=booth, title="Evil", upload=upload("c.pdf", data))
    assert e.value.code == "upload.not_a_pdf"
    assert not BoothDocument.objects.exists() and stored_files(media_root) == []


@pytest.mark.parametrize(
    "data",
    [FAKE_MP4, FAKE_WEBM, MP4[:60] + b"<html><script>alert(1)</script></html>" * 10],
    ids=["mp4-header-only", "webm-header-only", "mp4-then-html"],
)
def test_a_file_that_only_starts_like_a_video_is_refused(media_root, booth, staff_user, data):
    with pytest.raises(media.UploadError) as e:
        builder.booth_media_set(user=staff_user, booth=booth, kind="video", upload=upload("clip.mp4", data))
    assert e.value.code == "upload.not_a_video"
    booth.refresh_from_db()
    assert not booth.video and stored_files(media_root) == []
