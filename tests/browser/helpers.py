"""Steps shared by the browser tests."""


def log_in(page, base_url: str, username: str, password: str) -> None:
    """Log in through the real login form and wait for the home page."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")
