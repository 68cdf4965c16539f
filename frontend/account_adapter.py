"""allauth's adapter: its e-mails (address confirmation, password reset, "you already have an
account") leave through the outbox like every other mail (kernel/outbox.py), so they survive a
restart and a mail server that is down."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from kernel import outbox


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        outbox.mail(
            to=message.to,
            subject=message.subject,
            body=message.body,
            html=html,
            event="account." + template_prefix.rsplit("/", 1)[-1],
        )
