"""The analysis pages: each part of the app keeps its routes in its own list."""

from .urls_data import urlpatterns as data_urls
from .urls_state import urlpatterns as state_urls
from .urls_targets import urlpatterns as target_urls

app_name = "analysis"

urlpatterns = [*data_urls, *state_urls, *target_urls]
