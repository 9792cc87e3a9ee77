"""Valid sample values for every page, for demo data and tests: ``page_data(type, key)`` per module."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


def png_upload(width: int, height: int, *, name: str = "image.png", colour=(27, 58, 87)) -> SimpleUploadedFile:
    """Return a real PNG of the given size as an upload."""

    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([width // 8, height // 8, width * 7 // 8, height * 7 // 8], outline=(255, 255, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(*, name: str = "document.pdf", title: str = "Sample") -> SimpleUploadedFile:
    """Return a small valid PDF as an upload."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body.replace(b"Sample", title.encode()), content_type="application/pdf")
