"""Mixed workload for `bench/run.py --load`: account managers in the field and supervisors
at their desks, on the generated dataset (logins gen_mgr001…, gen_sup01…).

The users arrive signed in: bench/loadtest.py stores their sessions before the clock starts
and hands their cookies over in the JSON file BENCH_SESSIONS names ({"manager": [{"username",
"cookies"}…], "supervisor": […]}), so the run measures pages, not password checks.
`locust … Manager` or `… Supervisor` runs one page mix alone.

The server runs with production settings (DEBUG off, secure cookies), so the users say
they came over HTTPS (X-Forwarded-Proto, as from the load balancer) and carry their
cookies themselves: a cookie marked Secure is otherwise not sent over plain HTTP.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from datetime import date
from pathlib import Path

from locust import HttpUser, between, task

SESSIONS = json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text())
TODAY = os.environ.get("BENCH_TODAY") or date.today().isoformat()
TURNS = {role: itertools.count() for role in SESSIONS}  # the users take the sessions in turn
CLIENT_LINK = re.compile(r'href="/clients/(\d+)/"')
SEARCHES = ["杭州", "科技", "鼎盛", "0571", "王", "有限公司1"]


class CrmUser(HttpUser):
    abstract = True
    wait_time = between(0.05, 0.3)
    role = ""  # "manager" or "supervisor": whose sessions it takes

    def on_start(self):
        sessions = SESSIONS[self.role]
        if not sessions:
            raise RuntimeError(f"no signed-in {self.role} in BENCH_SESSIONS")
        signed_in = sessions[next(TURNS[self.role]) % len(sessions)]
        self.username = signed_in["username"]
        self.cookies: dict[str, str] = dict(signed_in["cookies"])
        self.origin = self.host.replace("http://", "https://")

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
    role = "manager"

    def on_start(self):
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
    role = "supervisor"

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
