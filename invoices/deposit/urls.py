from django.urls import path

from invoices.deposit import views as views_deposit

urlpatterns = [
    path("deposer/", views_deposit.deposit, name="deposit"),
    path("depots/", views_deposit.deposit_list, name="deposit_list"),
    path("depots/<uuid:uuid>/", views_deposit.deposit_detail, name="deposit_detail"),
    path("depots/<uuid:uuid>/progression/", views_deposit.deposit_progress, name="deposit_progress"),
]
