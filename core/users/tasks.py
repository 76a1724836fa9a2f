"""Background work of the users app: thin wrappers that call services in the task's workspace schema."""

from __future__ import annotations

from celery import shared_task

from .models import Invitation
from .services import invitation_send_email


@shared_task(name="users.tasks.send_invitation_email", acks_late=True)
def send_invitation_email(invitation_id: int, url: str) -> bool:
    invitation = Invitation.objects.select_related("invited_by").filter(pk=invitation_id, sent_at__isnull=True).first()
    if invitation is None:  # already sent (a redelivered message) or withdrawn
        return False
    invitation_send_email(invitation=invitation, url=url)
    return True
