"""The notification bell's page: the signed-in user's entries, each marked read one by one or all at once."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from certification import selectors
from certification.models import Notice
from safeinput.pagination import paginate

NOTICES_PAGE_SIZE = 50


@login_required
def notice_list(request):
    page = paginate(request, selectors.notices_all(request.user), NOTICES_PAGE_SIZE)
    return render(request, "certification/notices.html", {"notices": page.object_list, "page_obj": page})


@login_required
@require_POST
def notice_read(request, notice_pk):
    """Mark one entry read and go where it points (an address of the portal only)."""
    notice = get_object_or_404(Notice, pk=notice_pk, user=request.user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    safe = notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
    return redirect(notice.url if safe and request.POST.get("open") else "certification-notices:list")


@login_required
@require_POST
def notice_read_all(request):
    Notice.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("certification-notices:list")
