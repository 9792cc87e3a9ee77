"""Idempotency-Key on POSTs: the same key of the same token returns the first response and changes nothing again.

The key's row is inserted first, in the transaction that runs the request; a concurrent request with the same key
blocks on the unique constraint until that transaction ends, then reads the stored response. A request that ends
in a server error stores nothing (its transaction is rolled back), so it may be retried with the same key.
"""

import hashlib
import json
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.models import IdempotentRequest
from api.problems import ApiProblem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"


def _request_hash(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type and request.content_type.startswith("multipart/"):
        data = {key: request.data.getlist(key) for key in request.data}
        digest.update(json.dumps(data, sort_keys=True, default=str).encode())
        for name, upload in sorted(request.FILES.items()):
            digest.update(name.encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotentRequest, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise ApiProblem(
            _("This Idempotency-Key was used before with a different request; use a new key."),
            code="idempotency_key_reused",
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    content_type = "application/problem+json" if record.response_status >= 400 else None
    return Response(
        record.response_body,
        status=record.response_status,
        headers={REPLAYED_HEADER: "true"},
        content_type=content_type,
    )


def idempotent(handler):
    """Decorate a POST handler of an APIView (after authentication: ``request.auth`` is the token)."""

    @wraps(handler)
    def wrapped(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            raise ApiProblem(
                _("The Idempotency-Key must be 1 to %(n)d characters.") % {"n": MAX_KEY_LENGTH},
                code="idempotency_key_invalid",
                status_code=status.HTTP_400_BAD_REQUEST,
            )
        request_hash = _request_hash(request)
        record = IdempotentRequest.objects.filter(token=request.auth, key=key).first()
        if record is not None:
            return _replay(record, request_hash)
        try:
            with transaction.atomic():
                # Claim the key first: a concurrent request with the same key waits here until this one ends.
                record = IdempotentRequest.objects.create(
                    token=request.auth,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    request_hash=request_hash,
                    response_status=0,
                )
                try:
                    with transaction.atomic():
                        response = handler(view, request, *args, **kwargs)
                except Exception as exc:
                    response = view.handle_exception(exc)  # re-raises what is not an API problem (a 500)
                if response.status_code >= 500:
                    raise _ServerError(response)
                record.response_status = response.status_code
                record.response_body = json.loads(JSONRenderer().render(response.data)) if response.data else None
                record.save(update_fields=["response_status", "response_body"])
        except IntegrityError:
            record = IdempotentRequest.objects.filter(token=request.auth, key=key).first()
            if record is None:  # the other request failed and rolled back: this one may try again
                return handler(view, request, *args, **kwargs)
            return _replay(record, request_hash)
        except _ServerError as error:
            return error.response
        return response

    return wrapped


class _ServerError(Exception):
    """Leave the key's transaction without storing: the request may be retried with the same key."""

    def __init__(self, response):
        super().__init__("server error")
        self.response = response
