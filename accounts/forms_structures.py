"""Forms for structures, members, services, technical accounts and the principal-manager transfer.

They only shape and pre-check input; the rules live in `accounts.services`, whose errors views put back
on these forms (`add_service_error`).
"""

from django import forms
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import access, identifiers, service_codes, services
from accounts.models import Membership, Service, Structure, User

RIGHT_CHOICES = [
    (access.DEPOSIT, _("Dépôt de factures")),
    (access.TRIAGE, _("Traitement des factures reçues")),
    (access.EXPORT_PES, _("Export PES")),
    (access.ADMIN, _("Administration de la structure")),
]
ROLE_CHOICES = [
    (Membership.Role.USER, _("Utilisateur")),
    (Membership.Role.MANAGER, _("Gestionnaire (secondaire)")),
]


def add_service_error(form: forms.Form, error) -> None:
    """Put a `StructureError` next to the field it concerns, or at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class IdentifierMixin:
    def clean(self):
        data = super().clean()
        id_type, identifier = data.get("id_type"), data.get("identifier")
        if id_type and identifier:
            error = identifiers.check(id_type, identifier, country=data.get("country") or "FR")
            if error:
                self.add_error("identifier", gettext(error))
            else:
                data["identifier"] = identifiers.normalise(id_type, identifier)
        return data


class StructureCreateForm(IdentifierMixin, forms.Form):
    # Only a private company is created from an account. The field stays (hidden) so that a request for a
    # public one, from an old page or a script, is told how a public body joins rather than silently changed.
    kind = forms.CharField(initial=Structure.Kind.PRIVATE, required=False, widget=forms.HiddenInput)
    id_type = forms.ChoiceField(label=_("Type d'identifiant"), choices=Structure.IdType.choices)
    identifier = forms.CharField(
        label=_("Identifiant"), max_length=40, help_text=_("Pour un SIRET : 14 chiffres, espaces admis.")
    )
    name = forms.CharField(label=_("Raison sociale"), max_length=200)
    address = forms.CharField(label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    country = forms.CharField(
        label=_("Pays (code ISO)"),
        max_length=2,
        required=False,
        help_text=_("Seulement pour un identifiant hors UE, par exemple CH ou US."),
    )
    vat_number = forms.CharField(label=_("N° de TVA intracommunautaire"), max_length=20, required=False)

    def clean(self):
        data = super().clean()
        data["kind"] = data.get("kind") or Structure.Kind.PRIVATE
        if data["kind"] == Structure.Kind.PUBLIC:
            self.add_error(None, services.public_body_refusal())
        elif data["kind"] != Structure.Kind.PRIVATE:
            self.add_error(None, gettext("Type de structure inconnu."))
        return data


class AttachmentSearchForm(IdentifierMixin, forms.Form):
    """A lookup by exact identifier; a malformed one is told what is wrong with it before any lookup."""

    id_type = forms.ChoiceField(label=_("Type d'identifiant"), choices=Structure.IdType.choices)
    identifier = forms.CharField(label=_("Identifiant de la structure"), max_length=40)


class AttachmentRequestForm(forms.Form):
    id_type = forms.ChoiceField(choices=Structure.IdType.choices, widget=forms.HiddenInput)
    identifier = forms.CharField(max_length=40, widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Message aux gestionnaires"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple votre fonction et le service où vous travaillez."),
    )


class MembershipForm(forms.Form):
    """Role, rights and (public structures) services of a member; also the acceptance of a request."""

    role = forms.ChoiceField(label=_("Rôle"), choices=ROLE_CHOICES, initial=Membership.Role.USER)
    rights = forms.MultipleChoiceField(
        label=_("Droits"), choices=RIGHT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services accessibles"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : tous les services de la structure."),
    )

    def __init__(self, *args, structure: Structure, technical: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if structure.is_public:
            self.fields["services"].queryset = structure.services.all()
        else:
            del self.fields["services"]
        if technical:
            self.fields["role"].choices = ROLE_CHOICES[:1]

    @staticmethod
    def initial_for(membership: Membership) -> dict:
        return {
            "role": membership.role,
            "rights": [right for right, field in access.RIGHT_FIELDS.items() if getattr(membership, field)],
            "services": list(membership.services.all()),
        }


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Le demandeur le recevra par e-mail."),
    )


class ServiceCreateForm(forms.Form):
    code = forms.CharField(
        label=_("Code service"),
        max_length=service_codes.MAX_LENGTH * 2,  # the length is checked, with its message, in clean_code
        help_text=_(
            "Le code que vos fournisseurs inscrivent sur leurs factures (référence de l'acheteur) : lettres "
            "sans accent, chiffres, « _ » et « - » ; enregistré en majuscules."
        ),
    )
    name = forms.CharField(label=_("Libellé"), max_length=200)
    engagement_obligatoire = forms.BooleanField(label=_("Numéro d'engagement obligatoire"), required=False)

    def clean_code(self):
        code = service_codes.normalise(self.cleaned_data["code"])
        problem = service_codes.problem(code)
        if problem:
            message, params = problem
            raise forms.ValidationError(gettext(message) % params, code="service_code")
        return code


class ServiceEditForm(forms.Form):
    name = forms.CharField(label=_("Libellé"), max_length=200)
    engagement_obligatoire = forms.BooleanField(label=_("Numéro d'engagement obligatoire"), required=False)
    is_active = forms.BooleanField(
        label=_("Actif"), required=False, help_text=_("Un service ne se supprime pas : désactivez-le.")
    )


class StructureDetailsForm(forms.Form):
    name = forms.CharField(label=_("Raison sociale"), max_length=200)
    address = forms.CharField(label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    postal_code = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    town = forms.CharField(label=_("Commune"), max_length=100, required=False)


# What an invoice must carry to reach the structure, as one choice: "service or engagement" would mean
# nothing next to either being required, so the three flags of the model are set together from it.
ROUTING_REQUIREMENTS = {
    "aucun": {},
    "service": {"code_service_obligatoire": True},
    "engagement": {"engagement_obligatoire": True},
    "service_et_engagement": {"code_service_obligatoire": True, "engagement_obligatoire": True},
    "service_ou_engagement": {"service_ou_engagement_obligatoire": True},
}
ROUTING_FLAGS = ("code_service_obligatoire", "engagement_obligatoire", "service_ou_engagement_obligatoire")


def routing_requirement(flags: dict) -> str:
    """The choice matching the model's flags (a stored mix no choice matches reads as the strictest)."""
    if flags.get("code_service_obligatoire"):
        return "service_et_engagement" if flags.get("engagement_obligatoire") else "service"
    if flags.get("engagement_obligatoire"):
        return "engagement"
    return "service_ou_engagement" if flags.get("service_ou_engagement_obligatoire") else "aucun"


class RoutingForm(forms.Form):
    requirement = forms.ChoiceField(
        label=_("Données d'acheminement exigées sur chaque facture"),
        widget=forms.RadioSelect,
        choices=[
            ("aucun", _("Aucune")),
            ("service", _("Code service obligatoire")),
            ("engagement", _("Numéro d'engagement obligatoire")),
            ("service_et_engagement", _("Code service et numéro d'engagement obligatoires")),
            ("service_ou_engagement", _("Code service ou numéro d'engagement obligatoire (l'un des deux)")),
        ],
    )
    gestion_mise_en_paiement = forms.BooleanField(
        label=_("Gestion du statut « mise en paiement »"), required=False
    )
    ctc_rules_as_errors = forms.BooleanField(
        label=_("Règles de la réforme 2026 bloquantes"),
        required=False,
        help_text=_("Les règles BR-FR refusent la facture au lieu d'avertir."),
    )

    def __init__(self, *args, initial=None, **kwargs):
        initial = dict(initial or {})
        if "requirement" not in initial:
            initial["requirement"] = routing_requirement(initial)
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        """The flags `services.update_routing_parameters` takes, in place of the one choice."""
        data = super().clean()
        requirement = data.pop("requirement", None)
        if requirement is not None:
            chosen = ROUTING_REQUIREMENTS[requirement]
            data.update({flag: chosen.get(flag, False) for flag in ROUTING_FLAGS})
        return data


class PesForm(forms.Form):
    id_post = forms.CharField(label=_("Poste comptable (IdPost)"), max_length=6, required=False)
    cod_col = forms.CharField(label=_("Code collectivité (CodCol)"), max_length=3, required=False)
    cod_bud = forms.CharField(label=_("Code budget (CodBud)"), max_length=2, required=False)
    libelle_col_bud = forms.CharField(label=_("Libellé collectivité/budget"), max_length=100, required=False)


class TechnicalAccountForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du compte technique"), max_length=100, help_text=_("Par exemple le nom du logiciel.")
    )
    rights = forms.MultipleChoiceField(
        label=_("Droits"), choices=RIGHT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        label = f"{name} <{obj.email}>" if name else obj.email
        attached = getattr(obj, "attached_to", None)
        return f"{label} — {', '.join(attached)}" if attached else label


def transfer_candidates(structures, actor: User, *, attached_to_all: bool = False):
    """People actively attached to these structures (to every one of them with `attached_to_all`), the
    actor aside: only they may receive the principal-manager role (`services.transfer_principal_manager`)."""
    structures = list(structures)
    active = models.Q(
        memberships__structure__in=structures,
        memberships__is_active=True,
        memberships__structure__is_active=True,
    )
    candidates = (
        User.objects.filter(active, kind=User.Kind.PERSON, is_active=True)
        .exclude(pk=actor.pk)
        .annotate(attached=models.Count("memberships__structure", filter=active, distinct=True))
    )
    if attached_to_all:
        candidates = candidates.filter(attached=len(structures))
    return candidates.distinct().order_by("last_name", "first_name", "email")


def _attachments(users, structures) -> dict[int, list[str]]:
    """For each user, the names of the structures (among these) they are actively attached to."""
    names: dict[int, list[str]] = {}
    memberships = Membership.objects.filter(
        user__in=users, structure__in=structures, is_active=True
    ).select_related("structure")
    for membership in memberships.order_by("structure__name"):
        names.setdefault(membership.user_id, []).append(membership.structure.name)
    return names


class _LabelledCandidates(ModelChoiceIterator):
    """The candidates, each labelled with the structures they belong to (one query for all of them)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        users = list(self.queryset)
        attached = _attachments(users, self.field.structures)
        for user in users:
            user.attached_to = attached.get(user.pk, [])
            yield self.choice(user)


class TransferToOneForm(forms.Form):
    """Modes 1 and 2: some (or all) of my structures to one user, who must belong to each of them."""

    structures = forms.ModelMultipleChoiceField(
        label=_("Structures à transférer"),
        queryset=Structure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    target = UserChoiceField(label=_("Nouveau gestionnaire principal"), queryset=User.objects.none())

    def __init__(self, *args, principal_of, actor: User, all_structures: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.all_structures = all_structures
        self.fields["structures"].queryset = principal_of
        target = self.fields["target"]
        target.structures = list(principal_of)
        target.iterator = _LabelledCandidates  # before the queryset: setting it builds the widget's choices
        target.queryset = transfer_candidates(principal_of, actor, attached_to_all=all_structures)
        target.help_text = (
            _("Seules les personnes rattachées à chacune de vos structures peuvent recevoir le rôle.")
            if all_structures
            else _("Chaque personne est suivie des structures auxquelles elle est rattachée.")
        )
        if all_structures:
            del self.fields["structures"]
        self.principal_of = principal_of

    def clean(self):
        data = super().clean()
        target = data.get("target")
        structures = self.principal_of if self.all_structures else data.get("structures")
        if target and structures:
            attached = set(_attachments([target], structures).get(target.pk, []))
            missing = [s.name for s in structures if s.name not in attached]
            if missing:
                self.add_error(
                    "target",
                    _(
                        "%(user)s n'a pas de rattachement actif à : %(structures)s. Choisissez une personne "
                        "rattachée à chaque structure transférée."
                    )
                    % {"user": target.email, "structures": ", ".join(f"« {n} »" for n in missing)},
                )
        return data

    def assignments(self) -> dict:
        structures = self.principal_of if self.all_structures else self.cleaned_data["structures"]
        return dict.fromkeys(structures, self.cleaned_data["target"])


class TransferSplitForm(forms.Form):
    """Mode 3: every one of my structures, each to a user of its own."""

    def __init__(self, *args, principal_of, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.structures = list(principal_of)
        for structure in self.structures:
            self.fields[f"target_{structure.uuid}"] = UserChoiceField(
                label=structure.name, queryset=transfer_candidates([structure], actor)
            )

    def assignments(self) -> dict:
        return {s: self.cleaned_data[f"target_{s.uuid}"] for s in self.structures}
