"""What the admins of both apps share: evidence shown read-only, whatever a user's model permissions say."""


class NoWrites:
    """View permission only: no add, change or delete in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
