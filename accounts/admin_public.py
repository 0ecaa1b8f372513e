"""Support adds public structures one by one from the admin; the bulk way is `import_public_structures`.

The structure admin is extended once more (see `admin_principal`): its add form creates a public structure
through `public_structures.register_public_structure`, so the support account adding it holds the
principal-manager role until someone of the body claims it. A private company is created by its own people.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import identifiers, public_structures, services
from accounts.models import Structure

ADD_FIELDS = [
    "id_type",
    "identifier",
    "name",
    "address",
    "postal_code",
    "town",
    *services.ROUTING_FIELDS,
    "pes_id_post",
    "pes_cod_col",
    "pes_cod_bud",
    "pes_libelle_col_bud",
]


class PublicStructureAddForm(forms.ModelForm):
    id_type = forms.ChoiceField(
        label=_("Type d'identifiant"),
        choices=[c for c in Structure.IdType.choices if c[0] in services.PUBLIC_ID_TYPES],
        initial=identifiers.SIRET,
    )

    class Meta:
        model = Structure
        fields = ADD_FIELDS

    def clean(self):
        data = super().clean()
        id_type, identifier = data.get("id_type"), data.get("identifier")
        if id_type and identifier:
            identifier = identifiers.normalise(id_type, identifier)
            error = identifiers.check(id_type, identifier)
            if error:
                self.add_error("identifier", gettext(error))
            elif Structure.objects.filter(id_type=id_type, identifier=identifier).exists():
                self.add_error("identifier", gettext("Une structure porte déjà cet identifiant sur Chorale."))
            data["identifier"] = identifier
            self.instance.identifier = identifier
        return data


class ClaimFilter(admin.SimpleListFilter):
    title = _("revendication")
    parameter_name = "revendication"

    def lookups(self, request, model_admin):
        return [("attente", _("en attente (tenue par le support)")), ("faite", _("revendiquée"))]

    def queryset(self, request, queryset):
        public = queryset.filter(kind=Structure.Kind.PUBLIC)
        if self.value() == "attente":
            return public.filter(principal_manager__is_staff=True)
        if self.value() == "faite":
            return public.filter(principal_manager__is_staff=False)
        return queryset


class PublicStructureAdminMixin:
    """The structure admin for public bodies: support adds them (only them) and sees who claimed one."""

    extra_filters = [ClaimFilter]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs.update(form=PublicStructureAddForm, fields=ADD_FIELDS)
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            description = gettext(
                "Une entité publique, inscrite d'après l'annuaire officiel. Vous en serez le gestionnaire "
                "principal jusqu'à ce qu'une personne de l'entité le revendique avec une pièce "
                "justificative. Une entreprise privée se crée depuis le compte de ses utilisateurs."
            )
            return [(gettext("Nouvelle entité publique"), {"fields": ADD_FIELDS, "description": description})]
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        # A new public structure has no members yet but its support holder, attached by the operation.
        return self.add_inlines if obj is None else super().get_inlines(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        public_structures.register_public_structure(obj, actor=request.user)
        return None
