"""Demo survey answers over the last months (some low, with their follow-ups) and a few
open invitations, so the satisfaction panel, results page and follow-ups have content."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from clients.models import Client

from . import services
from .defaults import ensure_default_survey
from .models import Invitation, Response

# Ratings for the five rating questions and the would-recommend score, per answer.
PATTERNS = [
    ([5, 5, 4, 5, 4], 9),
    ([4, 4, 4, 3, 4], 8),
    ([5, 4, 5, 5, 5], 10),
    ([2, 3, 2, 3, 3], 5),
    ([4, 5, 4, 4, 4], 7),
]


def seed_surveys() -> int:
    if Response.objects.exists():
        return 0
    ensure_default_survey()
    template = services.default_template()
    questions = list(template.questions.all())
    created = 0
    managers = User.objects.filter(role=User.Role.MANAGER, username__startswith="manager").order_by("username")
    now = timezone.now()
    for index, manager in enumerate(managers):
        clients = list(Client.objects.filter(owner=manager).prefetch_related("contacts").order_by("code")[4:12])
        for number, client in enumerate(clients):
            contact = next(iter(client.contacts.all()), None)
            invitation = services.invite(client, contact=contact, by=manager)
            if number >= 6:
                continue  # left open: a link to copy
            ratings, nps = PATTERNS[(index + number) % len(PATTERNS)]
            answers = {}
            rating_iter = iter(ratings)
            for question in questions:
                if question.kind == "rating":
                    answers[question.pk] = next(rating_iter, 4)
                elif question.kind == "nps":
                    answers[question.pk] = nps
            response = services.submit(invitation, answers, via=Response.Via.PHONE, entered_by=manager)
            answered = now - timedelta(days=25 * number + index)
            Response.objects.filter(pk=response.pk).update(submitted_at=answered)
            Invitation.objects.filter(pk=invitation.pk).update(created_at=answered, answered_at=answered)
            created += 1
    return created
