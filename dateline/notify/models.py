"""What readers asked to be told, and the mail waiting to tell them.

Mail is written to the outbox (``Mail``) in the transaction of the change
it reports, by the event listeners in ``listeners.py``; the task worker
sends it (``sending.py``). A row's ``key`` names the event and the
recipient, so an event retried or heard twice still makes one mail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    OFF = "off", _("Off")
    INSTANT = "instant", _("At once")
    DAILY = "daily", _("In a daily digest")


class QueueDigest(models.TextChoices):
    OFF = "off", _("Off")
    HOURLY = "hourly", _("Every hour")
    DAILY = "daily", _("Every day")


class Kind(models.TextChoices):
    REPLY = "reply", _("Replies to my comments")
    THREAD = "thread", _("New comments in threads I follow")
    MENTION = "mention", _("Mentions of my name")
    DECISION = "decision", _("Moderators' decisions on my held comments")
    QUEUE = "queue", _("The moderation queue (moderators)")
    DIGEST = "digest", _("Digest")
    CONFIRM = "confirm", _("Address confirmation")


class Preferences(models.Model):
    """One member's choices; a member without a row has the defaults."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reply = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.INSTANT
    )
    thread = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.INSTANT
    )
    mention = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.INSTANT
    )
    decision = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.INSTANT
    )
    queue = models.CharField(
        max_length=10,
        choices=QueueDigest.choices,
        default=QueueDigest.OFF,
        help_text=_("Moderators: a digest of the queue."),
    )
    queue_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"notification preferences of member {self.member_id}"


class Follow(models.Model):
    """A member follows a thread: told of every new comment in it."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        "discussion.Thread", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "member"], name="follow_once")
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} follows thread {self.thread_id}"


class Mute(models.Model):
    """A member hears nothing of a thread, or of another member's comments."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        "discussion.Thread",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    muted = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(thread__isnull=False)
                ^ models.Q(muted__isnull=False),
                name="mute_one_thing",
            ),
            models.UniqueConstraint(
                fields=["member", "thread"], name="mute_thread_once"
            ),
            models.UniqueConstraint(
                fields=["member", "muted"], name="mute_member_once"
            ),
        ]

    def __str__(self) -> str:
        what = (
            f"thread {self.thread_id}" if self.thread_id else f"member {self.muted_id}"
        )
        return f"member {self.member_id} mutes {what}"


class GuestAddress(models.Model):
    """A guest's address, told of replies only once its owner confirmed it.

    Matched exactly (lower-cased), never by pattern. ``asked_at`` is when the
    last confirmation mail went out: at most one a day.
    """

    address = models.EmailField(unique=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    asked_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.address


class Mail(models.Model):
    """One message in the outbox."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        DIGEST = "digest", _("Waiting for the recipient's digest")
        DIGESTED = "digested", _("Sent in a digest")
        DROPPED = "dropped", _("Not sent (no longer true, or unsubscribed)")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    address = models.EmailField()
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    comment = models.ForeignKey(
        "discussion.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    context = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "created_at"], name="mail_due"),
            models.Index(fields=["address", "sent_at"], name="mail_sent_to"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.address} ({self.state})"


class LiveEvent(models.Model):
    """What a thread's live readers were told, kept a while for those who
    reconnect (``Last-Event-ID``) and for the processes that poll it."""

    thread_id = models.BigIntegerField()
    kind = models.CharField(max_length=10)  # comment, edit, remove, votes
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["thread_id", "id"], name="live_thread_after")]

    def __str__(self) -> str:
        return f"{self.kind} in thread {self.thread_id}"
