"""A console e-mail backend that prints mail as a person reads it.

Django's console backend prints the wire format, where Japanese text and long links are
base64 or quoted-printable. This one prints the headers, then every text part decoded, so a
confirmation link in the demo can be copied from the terminal.
"""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

SHOWN_HEADERS = ("From", "To", "Subject", "Date", "List-Unsubscribe")


class EmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        msg = message.message()
        lines = [f"{name}: {msg[name]}" for name in SHOWN_HEADERS if msg[name]]
        for part in msg.walk():
            if part.get_content_maintype() != "text" or part.is_attachment():
                continue
            lines.append("")
            lines.append(f"[{part.get_content_type()}]")
            lines.append(part.get_content().rstrip("\n"))
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
