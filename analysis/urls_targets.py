"""Routes of the analysis app (see urls.py)."""

urlpatterns: list = []
