from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def dashboard(request):
    """The home page past login: the user's structures and what awaits them."""
    memberships = request.user.memberships.filter(is_active=True).select_related("structure")
    return render(request, "dashboard.html", {"memberships": memberships})
