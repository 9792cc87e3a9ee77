"""Serve the stored files of offers through Django's storage API (filesystem or object storage), never a path."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404


def stored_file_response(name: str, *, content_type: str, filename: str, inline: bool) -> FileResponse:
    """Stream a stored file by its storage name; Http404 when the storage has no such file.

    The caller sets Cache-Control. Any other failure of the storage is ours and stays a server error.
    """
    if not name or not default_storage.exists(name):
        raise Http404("No such file.")
    return FileResponse(
        default_storage.open(name, "rb"),
        content_type=content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=filename,
    )
