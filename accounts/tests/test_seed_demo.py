import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import Team, User
from interactions.models import BulkMessage, FollowUpTask, Interaction
from visits.models import ChecklistAnswer

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_roles_and_is_idempotent(settings, visit_types, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path  # the demo's photos for visit types that ask for one
    call_command("seed_demo")
    counts = (User.objects.count(), Team.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Team.objects.count()) == counts
    assert User.objects.filter(role=User.Role.ADMIN).count() == 1
    assert User.objects.filter(role=User.Role.SUPERVISOR).count() == 2
    assert User.objects.filter(role=User.Role.MANAGER).count() >= 4
    for team in Team.objects.all():
        assert team.supervisor.role == User.Role.SUPERVISOR
        assert team.members.filter(role=User.Role.MANAGER).exists()
    assert User.objects.get(username="manager1").check_password(DEMO_PASSWORD)
    # Calls and messages: a late request, follow-ups, a message waiting for approval.
    assert Interaction.objects.filter(is_request=True).exists()
    assert FollowUpTask.objects.filter(done_at__isnull=True).exists()
    assert BulkMessage.objects.filter(status=BulkMessage.Status.PENDING).exists()
    # Visits logged with their type's checklist answered, some optional items not done.
    assert ChecklistAnswer.objects.filter(done=True).exists()
    assert ChecklistAnswer.objects.filter(done=False, required=False).exists()
    assert not ChecklistAnswer.objects.filter(done=False, required=True).exists()


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
