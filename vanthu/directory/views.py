from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from vanthu.directory.access import roles_of


@login_required
def index(request):
    if not roles_of(request.user).is_admin:
        raise Http404
    return render(request, "directory/index.html", {})
