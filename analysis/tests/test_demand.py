"""Step 1, direct demand: keying in, confirmation (one or many, own clients only), the
un-confirming edit, the strategies confirmed demand gives, and the job of the 25th."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis import demand as services
from analysis.models import Demand, MonthAnalysis, Product
from clients.tests.factories import ClientFactory
from notifications.jobs import run_job
from tests import clock
from visits import rules
from visits import services as visit_services
from visits.models import ServiceStrategy

NEXT = rules.next_month(clock.TODAY)  # the month planned


def product(code="P1", name="Golden Leaf", **kwargs):
    kwargs.setdefault("brand", "Leaf")
    kwargs.setdefault("unit", "cartons")
    return Product.objects.create(code=code, name=name, **kwargs)


def keyed(manager, client, prod, quantity="20"):
    return services.save_demand(by=manager, client=client, product=prod, month=NEXT, quantity=Decimal(quantity))


@pytest.fixture
def leaf(db):
    return product()


def test_manager_keys_in_demand_and_keying_again_changes_the_quantity(manager, leaf):
    acme = ClientFactory(owner=manager)
    demand = keyed(manager, acme, leaf, "20")
    assert (demand.month, demand.quantity, demand.source, demand.entered_by) == (
        NEXT,
        Decimal("20"),
        Demand.Source.MANAGER,
        manager,
    )
    keyed(manager, acme, leaf, "25")
    assert Demand.objects.get().quantity == Decimal("25")


def test_only_the_clients_manager_keys_in_demand_and_quantity_must_be_positive(manager, teammate, leaf):
    theirs = ClientFactory(owner=teammate)
    with pytest.raises(PermissionDenied):
        keyed(manager, theirs, leaf)
    with pytest.raises(ValidationError) as error:
        keyed(manager, ClientFactory(owner=manager), leaf, "0")
    assert "quantity" in error.value.error_dict
    assert not Demand.objects.exists()


def test_bulk_confirm_touches_only_own_clients_in_one_update(manager, teammate, leaf):
    mine = [keyed(manager, ClientFactory(owner=manager), leaf) for _ in range(3)]
    theirs = keyed(teammate, ClientFactory(owner=teammate), leaf)
    with CaptureQueriesContext(connection) as queries:
        confirmed = services.confirm_demand(by=manager, ids=[d.pk for d in mine] + [theirs.pk])
    assert confirmed == 3
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "analysis_demand" in q["sql"]]
    assert len(updates) == 1
    assert Demand.objects.filter(confirmed_at__isnull=False, confirmed_by=manager).count() == 3
    theirs.refresh_from_db()
    assert theirs.confirmed_at is None
    # Every demand of the month of the book confirmed: the step is done.
    assert MonthAnalysis.objects.get(owner=manager, month=NEXT).demand_confirmed_at is not None
    assert not MonthAnalysis.objects.filter(owner=teammate, demand_confirmed_at__isnull=False).exists()


def test_month_is_confirmed_only_when_every_demand_is(manager, leaf):
    first, second = (keyed(manager, ClientFactory(owner=manager), leaf) for _ in range(2))
    services.confirm_demand(by=manager, ids=[first.pk])
    analysis = MonthAnalysis.objects.get(owner=manager, month=NEXT)
    assert analysis.demand_confirmed_at is None
    services.confirm_demand(by=manager, ids=[second.pk])
    analysis.refresh_from_db()
    assert analysis.demand_confirmed_at is not None


def test_editing_a_confirmed_demand_unconfirms_it(manager, leaf):
    acme = ClientFactory(owner=manager)
    demand = keyed(manager, acme, leaf, "20")
    services.confirm_demand(by=manager, ids=[demand.pk])
    keyed(manager, acme, leaf, "20")  # the same quantity: nothing changes
    demand.refresh_from_db()
    assert demand.confirmed_at is not None
    keyed(manager, acme, leaf, "30")
    demand.refresh_from_db()
    assert demand.confirmed_at is None and demand.confirmed_by is None
    assert MonthAnalysis.objects.get(owner=manager, month=NEXT).demand_confirmed_at is None


def test_confirmed_demand_becomes_a_strategy_in_the_monthly_plan(manager, leaf):
    acme, other = ClientFactory(owner=manager), ClientFactory(owner=manager)
    confirmed = keyed(manager, acme, leaf, "20")
    keyed(manager, other, leaf, "5")  # never confirmed
    services.confirm_demand(by=manager, ids=[confirmed.pk])

    plan = visit_services.start_plan(owner=manager, month=NEXT, by=manager)

    strategy = ServiceStrategy.objects.get(client=acme, month=NEXT, source="demand:P1")
    assert strategy.text == "Asks for 20 cartons of Golden Leaf"
    assert not ServiceStrategy.objects.filter(client=other, source__startswith="demand:").exists()
    assert plan.lines.get(client=acme).open_strategies >= 1
    # Proposing again adds nothing.
    visit_services.refresh_plan(plan)
    assert ServiceStrategy.objects.filter(source__startswith="demand:").count() == 1


def test_unconfirmed_demand_gives_no_strategy(manager, leaf):
    keyed(manager, ClientFactory(owner=manager), leaf)
    visit_services.start_plan(owner=manager, month=NEXT, by=manager)
    assert not ServiceStrategy.objects.filter(source__startswith="demand:").exists()


# --- the job on the 25th ------------------------------------------------------------------------


@pytest.fixture
def drop(settings, tmp_path):
    settings.CRM_DEMAND_SOURCE = "analysis.demand_sources.FileDropSource"
    settings.CRM_DEMAND_DROP_FOLDER = tmp_path
    return tmp_path


def test_the_job_imports_a_dropped_file_once(manager, leaf, drop):
    acme = ClientFactory(owner=manager, code="C-ACME")
    (drop / "demand-2027-01.csv").write_text(
        f"client_code,product_code,quantity,month\nC-ACME,P1,20,{NEXT:%Y-%m}\n", encoding="utf-8"
    )
    run = run_job("analysis.import_demand")
    assert run.ok and run.counts["imported"] == 1
    demand = Demand.objects.get(client=acme)
    assert (demand.month, demand.quantity, demand.source, demand.confirmed_at) == (
        NEXT,
        Decimal("20"),
        Demand.Source.ORDERING,
        None,
    )
    assert (drop / "done" / "demand-2027-01.csv").exists() and not (drop / "demand-2027-01.csv").exists()

    again = run_job("analysis.import_demand")
    assert again.counts == {"files": 0, "imported": 0, "changed": 0, "refused": 0}
    assert Demand.objects.count() == 1


def test_the_job_reads_chinese_headers_in_gb18030_and_defaults_to_next_month(manager, leaf, drop):
    ClientFactory(owner=manager, code="C-ACME")
    (drop / "需求.csv").write_bytes("客户编码,商品编码,数量\nC-ACME,P1,12.5\n".encode("gb18030"))
    run = run_job("analysis.import_demand")
    assert run.ok, run.errors
    demand = Demand.objects.get()
    assert demand.month == NEXT and demand.quantity == Decimal("12.5")


def test_a_bad_row_refuses_the_whole_file_and_names_line_and_column(manager, leaf, drop):
    ClientFactory(owner=manager, code="C-ACME")
    (drop / "bad.csv").write_text("client_code,product_code,quantity\nC-ACME,P1,3\nC-NOBODY,P1,4\nC-ACME,P1,x\n")
    run = run_job("analysis.import_demand")
    assert not run.ok and run.counts["refused"] == 1
    assert "line 4, column quantity" in run.errors
    assert not Demand.objects.exists()
    assert (drop / "failed" / "bad.csv").exists()


def test_ordering_import_updates_rather_than_adds_and_unconfirms_a_change(manager, leaf):
    acme = ClientFactory(owner=manager, code="C-ACME")
    row = services.DemandRow(line=2, client_code="C-ACME", product_code="P1", quantity=Decimal("20"), month=NEXT)
    services.import_ordering_demand([row])
    demand = Demand.objects.get(client=acme)
    services.confirm_demand(by=manager, ids=[demand.pk])
    assert services.import_ordering_demand([row]) == {"imported": 0, "changed": 0}
    demand.refresh_from_db()
    assert demand.confirmed_at is not None
    changed = services.DemandRow(line=2, client_code="C-ACME", product_code="P1", quantity=Decimal("30"), month=NEXT)
    assert services.import_ordering_demand([changed]) == {"imported": 0, "changed": 1}
    demand.refresh_from_db()
    assert demand.quantity == Decimal("30") and demand.confirmed_at is None
    assert MonthAnalysis.objects.get(owner=manager, month=NEXT).demand_confirmed_at is None


def test_a_demand_file_named_csv_that_is_really_an_xlsx_is_read_with_its_numbers_and_empty_cells():
    """A dropped ".csv" saved by Excel as .xlsx: numbers and empty cells are read as text, never an
    AttributeError that would leave the file blocking every later one."""
    from datetime import date

    from analysis.demand_sources import read_demand_csv
    from clients.tests.files import xlsx

    header = ["client_code", "product_code", "quantity", "month"]
    content = xlsx([header, ["C1", "P1", 12, None], [None, None, None, None]])
    rows, errors = read_demand_csv(content, default_month=date(2027, 1, 1))
    assert errors == [] and len(rows) == 1
    assert rows[0].quantity == Decimal("12")
