"""The storefront's API for publishers: resolve a purchase's landing page token."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from safeinput.json_body import JsonBodyRefused, parse_json_body
from storefront import services


@csrf_exempt
@require_POST
def resolve(request):
    """Resolve a landing token (POST JSON ``{"token", "appId"}`` or the headers ``x-ms-marketplace-token``
    and ``x-ms-client-id``) for the offer's Microsoft Entra application; the token then stops working."""
    body = {}
    if request.content_type == "application/json" and request.body:
        try:
            body = parse_json_body(request)
        except JsonBodyRefused as refused:
            return JsonResponse({"error": "bad_request", "message": str(refused)}, status=400)
        if not isinstance(body, dict):
            return JsonResponse({"error": "bad_request", "message": _("The body is not a JSON object.")}, status=400)
    token = str(body.get("token") or request.headers.get("x-ms-marketplace-token") or "")
    app_id = str(body.get("appId") or request.headers.get("x-ms-client-id") or "")
    if not token or not app_id:
        return JsonResponse(
            {"error": "bad_request", "message": _("Send the landing token and your application ID.")}, status=400
        )
    try:
        purchase = services.purchase_resolve(token=token, app_id=app_id)
    except services.ResolveRefused as refused:
        return JsonResponse({"error": refused.code, "message": str(refused)}, status=refused.status)
    return JsonResponse(services.purchase_resolution(purchase))


# -- customers ------------------------------------------------------------------------------------------------
