"""factory_boy factories for the domain models."""

import hashlib
import itertools

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from stdnum import luhn

from accounts.models import Membership, Service, Structure, User
from invoices.lifecycle import counters
from invoices.models import Invoice, InvoiceStatus, StoredFile

_siret_counter = itertools.count(1)


def make_siret(seed: int | None = None) -> str:
    """A valid SIRET distinct for each call: SIREN with its Luhn key, then the SIRET key over SIREN + NIC."""
    n = next(_siret_counter) if seed is None else seed
    siren8 = f"{(n * 7919) % 10**8:08d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    base = siren + f"{n % 10000:04d}"
    return base + luhn.calc_check_digit(base)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password("correct horse battery staple")


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    kind = Structure.Kind.PRIVATE
    id_type = Structure.IdType.SIRET
    identifier = factory.LazyFunction(make_siret)
    name = factory.Sequence(lambda n: f"Structure {n}")
    principal_manager = factory.SubFactory(UserFactory)

    @factory.post_generation
    def principal_membership(obj, create, extracted, **kwargs):
        if create:
            Membership.objects.get_or_create(
                user=obj.principal_manager,
                structure=obj,
                defaults={
                    "role": Membership.Role.MANAGER,
                    "can_admin": True,
                    "can_export_pes": obj.is_public,
                },
            )


SUPPORT_EMAIL = "support-annuaire@example.test"


def support_user() -> User:
    """The platform support account that holds public structures until they are claimed."""
    user, _created = User.objects.get_or_create(
        email=SUPPORT_EMAIL, defaults={"first_name": "Support", "last_name": "Annuaire", "is_staff": True}
    )
    return user


class PublicStructureFactory(StructureFactory):
    """A public structure created the support way: support creates it (and holds the principal-manager role),
    then hands it over to its principal manager as an approved claim would. A support account given as
    `principal_manager` keeps it: the structure then awaits its claim."""

    kind = Structure.Kind.PUBLIC
    name = factory.Sequence(lambda n: f"Commune {n}")

    @classmethod
    def _create(cls, model_class, *args, principal_manager, kind=None, **kwargs):
        from accounts import public_structures

        support = principal_manager if principal_manager.is_staff else support_user()
        structure = public_structures.create_public_structure(actor=support, **kwargs)
        if principal_manager == support:
            return structure
        return public_structures.hand_over_public_structure(
            structure, principal_manager, actor=support, notify=False
        )


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    structure = factory.SubFactory(PublicStructureFactory)
    code = factory.Sequence(lambda n: f"SERV{n:03d}")
    name = factory.Sequence(lambda n: f"Service {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Membership.Role.USER

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.services.set(extracted)


class StoredFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoredFile
        exclude = ["content"]

    content = factory.Sequence(lambda n: f"%PDF-1.4\n% test file {n}\n%%EOF\n".encode())
    original_name = "facture.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name="original"))


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An invoice already delivered to its recipient (status mise_a_disposition) unless told otherwise."""

    class Meta:
        model = Invoice

    number = factory.Sequence(lambda n: f"F2026-{n:05d}")
    year = 2026
    type_code = "380"
    format = "facturx"
    profile = "EN16931"
    supplier = factory.SubFactory(StructureFactory)
    recipient = factory.SubFactory(PublicStructureFactory)
    issue_date = factory.LazyFunction(lambda: timezone.localdate())
    currency = "EUR"
    seller_name = factory.LazyAttribute(lambda o: o.supplier.name)
    seller_siret = factory.LazyAttribute(lambda o: o.supplier.identifier)
    buyer_name = factory.LazyAttribute(lambda o: o.recipient.name)
    buyer_identifier = factory.LazyAttribute(lambda o: o.recipient.identifier)
    total_without_vat = factory.Faker("pydecimal", left_digits=5, right_digits=2, positive=True)
    total_vat = factory.LazyAttribute(
        lambda o: (o.total_without_vat * 20 / 100).quantize(o.total_without_vat)
    )
    total_with_vat = factory.LazyAttribute(lambda o: o.total_without_vat + o.total_vat)
    amount_due = factory.LazyAttribute(lambda o: o.total_with_vat)
    original = factory.SubFactory(StoredFileFactory)
    deposited_by = factory.LazyAttribute(lambda o: o.supplier.principal_manager)
    status = InvoiceStatus.MISE_A_DISPOSITION
    delivered_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        invoice = super()._create(model_class, *args, **kwargs)
        # Counted as a deposit counts it: the lists and dashboards read the counters.
        counters.count_new([invoice])
        return invoice
