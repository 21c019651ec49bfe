from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .forms import CrmPasswordChangeForm, LoginForm, ProfileForm
from .scoping import scope_for


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        # Nothing of this user stays on the phone: the web app's kept pages and outbox
        # (static/js/offline.js also drops them before sending the form).
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = CrmPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=user)
    supervisors = [team.supervisor for team in scope_for(user).teams().select_related("supervisor")]
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "supervised_teams": user.supervised_teams.all(),
            "supervisors": supervisors,
            "api_tokens": user.api_tokens.all(),
        },
    )
