"""Uploads for booths: checked by content, re-encoded where we can, stored through Django's storage API.

- Images are decoded and re-encoded with Pillow: EXIF and other metadata dropped, the orientation
  applied, the longest side capped, a thumbnail made; decompression bombs are refused.
- PDFs are read through by pypdf (cross-references, catalogue, a first page) and videos by hachoir
  (an MP4 or WebM container with a video stream, a picture size and a duration), never judged by
  their name, the browser's content type or their first bytes alone.
- Each kind has a size limit (settings.UPLOAD_MAX_BYTES overrides the defaults below).

Every function raises UploadError (a DomainError with a dotted code and a translated message)
before anything is written, so a refused upload leaves nothing in storage.
"""

from __future__ import annotations

import contextlib
import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from hachoir.core import config as hachoir_config
from hachoir.metadata import extractMetadata
from hachoir.parser import guessParser
from hachoir.stream import InputIOStream
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader

from kernel.errors import DomainError

MB = 1024 * 1024
DEFAULT_MAX_BYTES = {"image": 10 * MB, "pdf": 20 * MB, "video": 200 * MB}
DEFAULT_IMAGE_MAX_SIDE = 2000
DEFAULT_IMAGE_MAX_PIXELS = 40_000_000  # width x height of the decoded image: a 2 GB bitmap is refused
THUMBNAIL_SIDE = 400


class UploadError(DomainError):
    pass


def max_bytes(kind: str) -> int:
    return {**DEFAULT_MAX_BYTES, **getattr(settings, "UPLOAD_MAX_BYTES", {})}[kind]


def image_max_side() -> int:
    return getattr(settings, "UPLOAD_IMAGE_MAX_SIDE", DEFAULT_IMAGE_MAX_SIDE)


def image_max_pixels() -> int:
    return getattr(settings, "UPLOAD_IMAGE_MAX_PIXELS", DEFAULT_IMAGE_MAX_PIXELS)


def _megabytes(n: int) -> str:
    return f"{n / MB:.0f}" if n >= MB else f"{n / MB:.2f}"


def _check_size(upload, kind: str) -> None:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if not size:
        raise UploadError("upload.empty", _("The file is empty."))
    limit = max_bytes(kind)
    if size > limit:
        raise UploadError(
            "upload.too_large",
            _("The file is too large: at most %(mb)s MB for this kind of file.") % {"mb": _megabytes(limit)},
        )


def _head(upload, n: int = 1024) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


# --- images -------------------------------------------------------------------------------


@dataclass
class PreparedImage:
    content: ContentFile
    thumbnail: ContentFile
    extension: str
    width: int
    height: int


def _encode(img: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        img.save(out, "JPEG", quality=85, optimize=True)
    else:
        img.save(out, "PNG", optimize=True)
    return out.getvalue()


def prepare_image(upload) -> PreparedImage:
    """Decode, check and re-encode an uploaded image; returns the new bytes and a thumbnail."""
    _check_size(upload, "image")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(upload)
            if img.width * img.height > image_max_pixels():
                raise UploadError(
                    "upload.image_too_many_pixels",
                    _("The image is too large to process (%(w)d × %(h)d pixels).")
                    % {"w": img.width, "h": img.height},
                )
            img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(
            "upload.image_too_many_pixels",
            _("The image is too large to process: it may be a decompression bomb."),
        ) from None
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise UploadError(
            "upload.not_an_image", _("This file is not an image we can read (JPEG, PNG, GIF or WebP).")
        ) from None
    if img.format not in ("JPEG", "PNG", "GIF", "WEBP"):
        raise UploadError(
            "upload.not_an_image", _("This file is not an image we can read (JPEG, PNG, GIF or WebP).")
        )
    img = ImageOps.exif_transpose(img)  # apply the camera's rotation; the EXIF block is not written back
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    img = img.convert("RGBA" if has_alpha else "RGB")
    side = image_max_side()
    img.thumbnail((side, side), Image.Resampling.LANCZOS)
    fmt, ext = ("PNG", "png") if has_alpha else ("JPEG", "jpg")
    thumb = img.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return PreparedImage(
        content=ContentFile(_encode(img, fmt)),
        thumbnail=ContentFile(_encode(thumb, fmt)),
        extension=ext,
        width=img.width,
        height=img.height,
    )


# --- documents and videos -------------------------------------------------------------------


def check_pdf(upload) -> str:
    """A PDF that pypdf reads through: its cross-reference table, its catalogue and at least one page.
    A file that merely carries "%PDF-" (an HTML page with a %PDF comment) is refused. Returns "pdf"."""
    _check_size(upload, "pdf")
    if b"%PDF-" not in _head(upload, 1024):
        raise UploadError("upload.not_a_pdf", _("This file is not a PDF document."))
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns on the small flaws real PDFs have
            reader = PdfReader(upload)
            pages = len(reader.pages)
            if pages:
                reader.pages[0].mediabox  # noqa: B018 (reading it parses the first page)
    except Exception:  # noqa: BLE001 - whatever pypdf trips on, the file is not a PDF we can offer
        pages = 0
    finally:
        upload.seek(0)
    if not pages:
        raise UploadError("upload.not_a_pdf", _("This file is not a PDF document."))
    return "pdf"


hachoir_config.quiet = True  # its parse warnings go to stderr; a refusal says what matters
_VIDEO_TYPES = {"video/mp4": "mp4", "video/quicktime": "mp4", "video/webm": "webm"}


def _metadata_values(metadata, key: str) -> list:
    """Every value of ``key`` in hachoir's metadata and its groups (a WebM's video stream is one)."""
    found = [item.value for item in metadata.getItems(key)] if metadata.has(key) else []
    for group in getattr(metadata, "iterGroups", list)():
        if group is not metadata:
            found += _metadata_values(group, key)
    return found


def check_video(upload) -> str:
    """MP4 or WebM, parsed by hachoir (a pure-Python parser of container formats): the container must
    hold a video stream with a picture size and a duration; the first bytes alone prove nothing.
    Returns the extension."""
    _check_size(upload, "video")
    head = _head(upload, 64)
    if not ((len(head) >= 12 and head[4:8] == b"ftyp") or head.startswith(b"\x1a\x45\xdf\xa3")):
        raise UploadError("upload.not_a_video", _("This file is not a video we can show (MP4 or WebM)."))
    upload.seek(0)
    extension = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parser = guessParser(InputIOStream(upload, tags=[]))
            metadata = extractMetadata(parser) if parser is not None else None
            if metadata is not None:
                mime = str(next(iter(_metadata_values(metadata, "mime_type")), ""))
                sized = _metadata_values(metadata, "width") and _metadata_values(metadata, "height")
                durations = _metadata_values(metadata, "duration")
                if sized and durations and max(d.total_seconds() for d in durations) > 0:
                    extension = _VIDEO_TYPES.get(mime)
    except Exception:  # noqa: BLE001 - a container hachoir cannot read is not one browsers can play
        extension = None
    finally:
        upload.seek(0)
    if extension is None:
        raise UploadError("upload.not_a_video", _("This file is not a video we can show (MP4 or WebM)."))
    return extension


# --- storage ----------------------------------------------------------------------------------


def store(content, *, folder: str, extension: str) -> str:
    """Save bytes under a fresh random name in `folder`; returns the stored name."""
    upload_name = f"{folder.strip('/')}/{uuid.uuid4().hex}.{extension}"
    if not isinstance(content, ContentFile):
        content.seek(0)
    return default_storage.save(upload_name, content)


def delete_quietly(*names: str) -> None:
    """Remove stored files (cleaning up after a failed write, or replacing a file)."""
    for name in names:
        if name:
            with contextlib.suppress(Exception):  # a file already gone is what we wanted
                default_storage.delete(name)
