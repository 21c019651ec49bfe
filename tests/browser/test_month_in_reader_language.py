"""A supervisor reading Chinese picks a month on the dashboards and lists without English
(issue #29: "avoid the browser's own English date pickers where Chinese is expected").

Chromium writes an <input type="month"> in its own interface language, whatever the page's
`lang` and the Accept-Language ("December 2026" in a Chinese page of an English browser,
checked by hand), and Firefox and Safari show a bare text box. So the app does not use it for a
month: the month is picked from a list the server writes in the reader's language ("2026年12月"),
and the page's scripts format with the page's language. What the browser draws inside a native
date input is its own; the test covers what the app writes."""

import re

import pytest

from accounts.tests.factories import SupervisorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "month-pass-2026"
ENGLISH_MONTHS = re.compile(
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
)
# Everything a reader sees of the month controls: the chosen option, every option, placeholders,
# labels read out by a screen reader; and whether the browser's own month widget is used.
MONTH_CONTROLS = """
() => [...document.querySelectorAll("SELECTOR")].map((el) => ({
  name: el.name,
  type: el.type,
  lang: el.closest("[lang]")?.lang || "",
  shown: el.tagName === "SELECT" ? el.options[el.selectedIndex]?.text || "" : el.value,
  text: [el.placeholder || "", el.getAttribute("aria-label") || "",
         ...[...(el.options || [])].map((o) => o.text)].join(" | "),
}))
""".replace(
    "SELECTOR",
    ", ".join(f"main [name={name}]:not([type=hidden])" for name in ("month", "received", "not_visited", "until")),
)


def test_month_filters_read_chinese_at_zh_cn(live_server, browser):
    supervisor = SupervisorFactory(username="month_sup", password=PASSWORD, language="zh-hans")
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh"}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(supervisor.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main [type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    problems = []
    for path in ("/dashboards/complaints/?month=2026-12", "/dashboards/visits/?month=2026-12",
                 "/performance/scorecard/?month=2026-12", "/analysis/demand/?month=2026-12",
                 "/complaints/?received=2026-12", "/clients/?not_visited=2026-12"):  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        controls = page.evaluate(MONTH_CONTROLS)
        if not controls:
            problems.append(f"{path}: no month control found")
        for control in controls:
            where = f"{path} [{control['name']}]"
            if control["type"] == "month":
                problems.append(f"{where}: the browser's own month input (drawn in the browser's language)")
            if not control["lang"].lower().startswith("zh"):
                problems.append(f"{where}: lang {control['lang']!r}")
            if control["shown"] != "2026年12月":
                problems.append(f"{where}: shows {control['shown']!r}")
            if ENGLISH_MONTHS.search(control["text"]):
                problems.append(f"{where}: English month names in {control['text'][:80]!r}")
    assert page.evaluate("document.documentElement.lang").lower() == "zh-hans"
    context.close()
    assert not problems, "\n".join(problems)
