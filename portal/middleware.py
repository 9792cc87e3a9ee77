"""The portal's own Page not found page under DEBUG too (make run), where Django would show its debug page; hostile
input refused before any view reads it."""

import io
import logging

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.urls import Resolver404
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from safeinput.json_body import json_body_problem
from safeinput.text import refused_character

logger = logging.getLogger(__name__)
NAME_SHOWN_MAX = 100  # a refused parameter's name is shown to this length


class NotFoundPageMiddleware:
    """Answer every 404 with templates/404.html, as Django does with DEBUG off, whatever DEBUG says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # An address no URL pattern matches never reaches a view (nor process_exception): the 404 Django made
        # for it is its debug page when DEBUG is on.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return page_not_found(request, Resolver404({"path": request.path_info}))
        return response

    def process_exception(self, request, exception):
        """Render a view's Http404 (a preview link outside its audience, a foreign offer) as the portal's page."""
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


class HostileInputMiddleware:
    """Refuse, with a 400 and a page saying why, a request carrying what the database cannot store or a JSON body
    too large or too deep, before any view, form or query reads it.

    One mechanism for every URL: the path, every query parameter (names and values), every header and cookie,
    every field of a form body (urlencoded or multipart; file names are cleaned by Django) must hold no NUL and no
    lone surrogate; a JSON body must keep the size and depth limits of ``safeinput.json_body`` and hold no such
    character in any string. A browser answer is templates/400.html; any other client receives RFC 9457 problem
    details (``application/problem+json``), the shape of the API's errors.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            code, detail = problem
            return self.refuse(request, code, detail)
        return self.get_response(request)

    def problem(self, request) -> tuple[str, str] | None:
        """Return (code, what is wrong in plain words) for the first refused part of the request, or None."""
        character = refused_character(request.path)
        if character:
            return "refused_character", _("The address holds the character %(c)s.") % {"c": character}
        sources = [(_("query parameter"), request.GET), (_("cookie"), request.COOKIES)]
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            _keep_body_readable(request)
            sources.append((_("form field"), request.POST))
        elif request.method in ("PUT", "PATCH") and request.content_type in self.FORM_TYPES:
            sources.append((_("form field"), _form_fields(request)))
        for what, values in sources:
            found = _refused_item(values)
            if found:
                name, character = found
                return "refused_character", _("The %(what)s “%(name)s” holds the character %(c)s.") % {
                    "what": what,
                    "name": name,
                    "c": character,
                }
        for key, value in request.META.items():
            character = refused_character(value) if key.startswith("HTTP_") and isinstance(value, str) else ""
            if character:
                header = key[5:].replace("_", "-").title()
                return "refused_character", _("The header %(name)s holds the character %(c)s.") % {
                    "name": header,
                    "c": character,
                }
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.content_type.endswith("json"):
            refused = json_body_problem(request)
            if refused:
                return refused.code, str(refused)
        return None

    def refuse(self, request, code: str, detail: str) -> HttpResponse:
        logger.warning("hostile input refused: %s %s: %s", request.method, code, detail)
        if request.accepts("text/html"):
            page = loader.get_template("400.html").render({"reason": detail})
            return HttpResponseBadRequest(page)
        body = {
            "type": f"urn:publisher-portal:problem:{code}",
            "title": str(_("Invalid input")),
            "status": 400,
            "detail": detail,
            "code": code,
        }
        return JsonResponse(body, status=400, content_type="application/problem+json")


def _keep_body_readable(request) -> None:
    """Read a multipart body that fits in memory before its fields, so a view may still read ``request.body``.

    Django parses multipart fields from the stream, which then can no longer be read as a body; parsed from the body
    read first, both remain. A larger body (an upload) is parsed from the stream as it would be without us.
    """
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if request.content_type == "multipart/form-data" and (limit is None or declared <= limit):
        request.body  # noqa: B018 -- cached on the request, the fields are then parsed from it


def _form_fields(request) -> QueryDict:
    """The fields of a PUT or PATCH form body (Django parses only a POST's; the API's parsers read these), when
    the body fits in memory; the view reads it again from the cached body."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if limit is not None and declared > limit:
        return QueryDict()
    if request.content_type == "application/x-www-form-urlencoded":
        return QueryDict(request.body, encoding=request.encoding)
    try:
        fields, _files = request.parse_file_upload(request.META, io.BytesIO(request.body))
    except MultiPartParserError:
        return QueryDict()  # the view's parser answers a malformed body in its own words
    return fields


def _refused_item(values) -> tuple[str, str] | None:
    """Return (name, character) of the first name or value of a QueryDict or dict the database would refuse."""
    items = values.lists() if hasattr(values, "lists") else ((name, [value]) for name, value in values.items())
    for name, listed in items:
        for text in (name, *listed):
            character = refused_character(text) if isinstance(text, str) else ""
            if character:
                return repr(name)[1:-1][:NAME_SHOWN_MAX], character
    return None
