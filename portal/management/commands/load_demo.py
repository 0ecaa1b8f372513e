from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from accounts import demo


class Command(BaseCommand):
    help = "Load the demo world (structures, services, users with TOTP, invoices). Demo only."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError("load_demo refuses to run with DEBUG off (use --force if you really mean it).")
        from portal.demo import load_invoices

        # The demo's status changes would mail every demo user: nobody reads those.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            world = demo.load_people_and_structures()
            count = load_invoices(world)
        self.stdout.write(f"{count} demo invoices deposited.")
        for persona, (email, secret) in demo.DEMO_USERS.items():
            self.stdout.write(f"{persona:12} {email:36} password {demo.DEMO_PASSWORD}  TOTP secret {secret}")
