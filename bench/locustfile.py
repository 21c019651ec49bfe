"""Mixed workload for `bench/run.py --load`: account managers in the field and supervisors
at their desks, on the generated dataset (logins gen_mgr001…, gen_sup01…).

The figures start again once all users have signed in (see ``CrmUser.signed_in``).

The server runs with production settings (DEBUG off, secure cookies), so the users say
they came over HTTPS (X-Forwarded-Proto, as from the load balancer) and carry their
cookies themselves: a cookie marked Secure is otherwise not sent over plain HTTP.
"""

from __future__ import annotations

import itertools
import logging
import os
import random
import re
import uuid
from datetime import date

from locust import HttpUser, between, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "demo-pass-2026")
MANAGER_COUNT = int(os.environ.get("BENCH_MANAGERS", "200"))
SUPERVISOR_COUNT = int(os.environ.get("BENCH_SUPERVISORS", "20"))
TODAY = os.environ.get("BENCH_TODAY") or date.today().isoformat()
MANAGERS = itertools.count(1)
SUPERVISORS = itertools.count(1)
CLIENT_LINK = re.compile(r'href="/clients/(\d+)/"')
SEARCHES = ["杭州", "科技", "鼎盛", "0571", "王", "有限公司1"]
SIGNED_IN: list[str] = []


class CrmUser(HttpUser):
    abstract = True
    wait_time = between(0.05, 0.3)
    username = ""

    def on_start(self):
        self.cookies: dict[str, str] = {}
        self.origin = self.host.replace("http://", "https://")
        self.request("get", "/accounts/login/", name="login page")
        self.request(
            "post",
            "/accounts/login/",
            name="login",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
            allow_redirects=False,
        )
        if "sessionid" not in self.cookies:
            raise RuntimeError(f"{self.username} could not log in")
        self.signed_in()

    def signed_in(self) -> None:
        """Measure the working day, not its first minute: once every user has signed in (a
        password check costs about half a second of CPU, by design), the figures restart.
        Not when a request has failed by then: the failure must show."""
        SIGNED_IN.append(self.username)
        stats = self.environment.stats
        if len(SIGNED_IN) == self.environment.parsed_options.num_users and not stats.total.num_failures:
            stats.reset_all()
            logging.getLogger(__name__).info("all %d users signed in: the figures start now", len(SIGNED_IN))

    def request(self, method: str, path: str, **kwargs):
        headers = {"X-Forwarded-Proto": "https", "Referer": f"{self.origin}{path}"}
        with self.client.request(
            method, path, headers=headers, cookies=self.cookies, catch_response=True, **kwargs
        ) as response:
            self.cookies.update(response.cookies.get_dict())
            expected = 302 if method == "post" else 200
            if response.status_code != expected:
                response.failure(f"status {response.status_code}")
            return response

    def get(self, path: str, name: str | None = None, **params):
        return self.request("get", path, name=name or path, params=params)


class Manager(CrmUser):
    weight = 4

    def on_start(self):
        self.username = f"gen_mgr{next(MANAGERS) % MANAGER_COUNT + 1:03d}"
        super().on_start()
        page = self.get("/clients/", "/clients/")
        self.clients = [int(pk) for pk in CLIENT_LINK.findall(page.text)] or [0]

    @task(3)
    def home(self):
        self.get("/")

    @task(4)
    def client_list(self):
        self.get("/clients/", "/clients/ (page)", page=random.randint(1, 3))

    @task(3)
    def search(self):
        self.get("/clients/", "/clients/?q=", q=random.choice(SEARCHES))

    @task(4)
    def client_file(self):
        self.get(f"/clients/{random.choice(self.clients)}/", "/clients/<id>/")

    @task(3)
    def visit_sheet(self):
        self.get("/visits/today/")

    @task(2)
    def complaints(self):
        self.get("/complaints/")

    @task(1)
    def log_visit(self):
        client = random.choice(self.clients)
        data = {
            "csrfmiddlewaretoken": self.cookies["csrftoken"],
            "submission": uuid.uuid4().hex,
            "date": TODAY,
            "method": "on_site",
            "work_done": "压测拜访记录",
        }
        self.request(
            "post", f"/visits/log/?client={client}", name="/visits/log/ (save)", data=data, allow_redirects=False
        )


class Supervisor(CrmUser):
    weight = 1

    def on_start(self):
        self.username = f"gen_sup{next(SUPERVISORS) % SUPERVISOR_COUNT + 1:02d}"
        super().on_start()

    @task(2)
    def home(self):
        self.get("/")

    @task(2)
    def visits(self):
        self.get("/dashboards/visits/")

    @task(2)
    def complaints(self):
        self.get("/dashboards/complaints/")

    @task(1)
    def satisfaction(self):
        self.get("/dashboards/satisfaction/")

    @task(2)
    def client_list(self):
        self.get("/clients/", "/clients/ (team)")

    @task(1)
    def complaint_list(self):
        self.get("/complaints/", "/complaints/ (team)")
