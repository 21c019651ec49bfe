"""Take the README's screenshots again, from a running server with the demo data.

    CRM_VAR_DIR=/tmp/shots-var DATABASE_URL=sqlite:////tmp/shots.sqlite3 .venv/bin/python manage.py migrate
    CRM_VAR_DIR=/tmp/shots-var DATABASE_URL=sqlite:////tmp/shots.sqlite3 .venv/bin/python manage.py seed_demo
    CRM_VAR_DIR=/tmp/shots-var DATABASE_URL=sqlite:////tmp/shots.sqlite3 .venv/bin/python manage.py runserver 8177
    .venv/bin/python docs/screenshots/take.py http://127.0.0.1:8177

It drives Debian's Chromium (/usr/bin/chromium) with Playwright. With Pillow installed
(`pip install pillow`; the app does not need it) the pictures are reduced to 128 colours,
which keeps each one well under 200 KB; without it they are saved as Chromium writes them.
The ids in the paths (complaint 4, plan 4) are those of a fresh demo database."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8177"
OUT = Path(__file__).resolve().parent
PASSWORD = "demo-pass-2026"  # noqa: S105 (the demo logins, printed by make run)
PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 768}

# (file, user, browser language, viewport, path, height of the picture)
SHOTS = [
    ("phone-home-zh", "manager1", "zh-CN", PHONE, "/", 812),
    ("phone-today-zh", "manager1", "zh-CN", PHONE, "/visits/today/", 812),
    ("laptop-clients", "supervisor1", "en-US", LAPTOP, "/clients/", 768),
    ("laptop-complaint", "manager1", "en-US", LAPTOP, "/complaints/4/", 768),
    ("laptop-visit-dashboard", "supervisor1", "en-US", LAPTOP, "/dashboards/visits/", 1000),
    ("laptop-plan-approval", "supervisor1", "en-US", LAPTOP, "/visits/plans/4/", 1000),
]


def reduce_colours(path):
    try:
        from PIL import Image
    except ImportError:
        return
    image = Image.open(path).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for name, user, locale, viewport, path, height in SHOTS:
            phone = viewport is PHONE
            context = browser.new_context(
                viewport=viewport,
                device_scale_factor=2 if phone else 1,
                is_mobile=phone,
                has_touch=phone,
                locale=locale,
            )
            page = context.new_page()
            page.goto(f"{BASE}/accounts/login/")
            page.locator("#id_username").fill(user)
            page.locator("#id_password").fill(PASSWORD)
            page.locator("main [type=submit]").click()
            page.wait_for_url(f"{BASE}/")
            page.goto(f"{BASE}{path}")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(800)  # the charts finish drawing
            target = OUT / f"{name}.png"
            clip = {"x": 0, "y": 0, "width": viewport["width"], "height": height}
            page.screenshot(path=str(target), full_page=True, clip=clip)
            reduce_colours(target)
            print(f"{target.name}: {target.stat().st_size // 1024} KB")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
