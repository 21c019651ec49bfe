"""Demo people and teams for `manage.py seed_demo` (idempotent)."""

from django.db import transaction

from .models import Team, User

DEMO_PASSWORD = "demo-pass-2026"

# (username, family name, given name, grade)
TEAMS = [
    {
        "name": {"en": "East district", "zh_hans": "东城片区"},
        "area": {"en": "Dongcheng", "zh_hans": "东城区"},
        "supervisor": ("supervisor1", "张", "伟"),
        "managers": [
            ("manager1", "王", "芳", "senior"),
            ("manager2", "刘", "洋", "g2"),
            ("manager3", "陈", "静", "trainee"),
        ],
    },
    {
        "name": {"en": "West district", "zh_hans": "西城片区"},
        "area": {"en": "Xicheng", "zh_hans": "西城区"},
        "supervisor": ("supervisor2", "李", "娜"),
        "managers": [
            ("manager4", "赵", "磊", "g1"),
            ("manager5", "孙", "丽", "g3"),
            ("manager6", "周", "杰", "g4"),
        ],
    },
]


def _upsert_user(username: str, **fields) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if not created:
        for name, value in fields.items():
            setattr(user, name, value)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@transaction.atomic
def seed_people() -> dict[str, list[str]]:
    """Create (or reset) the demo admin, supervisors, managers and their teams."""
    logins: dict[str, list[str]] = {"admin": [], "supervisor": [], "manager": []}
    _upsert_user(
        "admin",
        first_name="管理员",
        last_name="",
        email="admin@example.com",
        role=User.Role.ADMIN,
        is_staff=True,
        is_superuser=True,
    )
    logins["admin"].append("admin")
    for spec in TEAMS:
        sup_name, sup_family, sup_given = spec["supervisor"]
        # Found by its Chinese name, the one every demo so far had (names per language).
        team, _ = Team.objects.get_or_create(name_zh_hans=spec["name"]["zh_hans"])
        supervisor = _upsert_user(
            sup_name,
            last_name=sup_family,
            first_name=sup_given,
            email=f"{sup_name}@example.com",
            role=User.Role.SUPERVISOR,
            grade=User.Grade.SENIOR,
            team=team,
        )
        for language in ("en", "zh_hans"):
            setattr(team, f"name_{language}", spec["name"][language])
            setattr(team, f"area_{language}", spec["area"][language])
        team.supervisor = supervisor
        team.save()
        logins["supervisor"].append(sup_name)
        for username, family, given, grade in spec["managers"]:
            _upsert_user(
                username,
                last_name=family,
                first_name=given,
                email=f"{username}@example.com",
                role=User.Role.MANAGER,
                grade=grade,
                team=team,
                phone=f"1380000{int(username[-1]):04d}",
            )
            logins["manager"].append(username)
    return logins
