import factory

from accounts.models import Team, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    area = factory.Faker("city")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = User.Role.MANAGER
    grade = User.Grade.GRADE_2
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ManagerFactory(UserFactory):
    role = User.Role.MANAGER
    team = factory.SubFactory(TeamFactory)


class SupervisorFactory(UserFactory):
    """A supervisor who supervises (and belongs to) their own new team."""

    role = User.Role.SUPERVISOR
    grade = User.Grade.SENIOR
    team = factory.SubFactory(TeamFactory)

    @factory.post_generation
    def supervises_team(obj, create, extracted, **kwargs):
        if create and obj.team_id:
            obj.team.supervisor = obj
            obj.team.save()


class AdminFactory(UserFactory):
    role = User.Role.ADMIN
    grade = ""
