from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.spot_check_list, name="list"),
    path("new/", views.spot_check_create, name="create"),
    path("<int:pk>/", views.spot_check_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.spot_check_acknowledge, name="acknowledge"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:manager_id>/<str:month>/", views.review, name="review"),
]
