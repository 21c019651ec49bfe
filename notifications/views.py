from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from crm.http import redirect_back

from . import services
from .models import Notification

PAGE_SIZE = 30


@login_required
def inbox(request):
    notifications = Notification.objects.filter(recipient=request.user)
    if request.GET.get("show") == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "show": request.GET.get("show", "")})


@login_required
@require_POST
def open_notification(request, pk: int):
    """Mark read and follow its link (only links within this site)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(request.user, [notification.pk])
    return redirect_back(request, notification.url, "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(request.user)
    return redirect("notifications:inbox")
