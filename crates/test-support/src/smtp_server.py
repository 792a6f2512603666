"""A real SMTP server for the tests: Debian's aiosmtpd on 127.0.0.1:PORT,
requiring AUTH (PLAIN or LOGIN) as USER with PASSWORD. TLS is MODE: plain
(the loopback case Proofline allows), starttls (required before anything
else, AUTH included) or tls (from the first byte), with CERTS/cert.pem and
CERTS/key.pem. Each message taken is written to DIR as
NNNN.json, read by Python's own MIME parser (headers decoded, the text part,
each attachment), with the envelope; written whole under a temporary name,
then renamed, so a reader never sees half a message. Prints "ready" once it
answers; runs until its standard input closes.

    python3 smtp_server.py PORT DIR USER PASSWORD [MODE CERTS]
"""

import email
import email.policy
import json
import logging
import os
import ssl
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, out, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
# MODE and CERTS may be left out: plain (the browser tests' inbox).
mode = sys.argv[5] if len(sys.argv) > 5 else "plain"
certs = sys.argv[6] if len(sys.argv) > 6 else ""

# AUTH without TLS is what this server is for (loopback only): not worth a
# warning in every test's output.
warnings.simplefilter("ignore")
logging.getLogger("mail.log").setLevel(logging.ERROR)


class Save:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Save.count += 1
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text = msg.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_to": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "list_unsubscribe": str(msg["List-Unsubscribe"] or ""),
            "list_unsubscribe_post": str(msg["List-Unsubscribe-Post"] or ""),
            "text": text.get_content() if text is not None else "",
            "attachments": [
                {
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "content": part.get_content(),
                }
                for part in msg.iter_attachments()
            ],
        }
        name = os.path.join(out, "%04d.json" % Save.count)
        with open(name + ".part", "w") as f:
            json.dump(record, f)
        os.rename(name + ".part", name)
        return "250 OK"


def authenticate(server, session, envelope, mechanism, data):
    ok = (
        isinstance(data, LoginPassword)
        and data.login == user.encode()
        and data.password == password.encode()
    )
    return AuthResult(success=ok)


tls = {}
if mode != "plain":
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(certs, "cert.pem"), os.path.join(certs, "key.pem"))
    if mode == "starttls":
        tls = {"tls_context": context, "require_starttls": True}
    else:
        tls = {"ssl_context": context}

controller = Controller(
    Save(),
    hostname="127.0.0.1",
    port=port,
    authenticator=authenticate,
    auth_required=True,
    auth_require_tls=mode == "starttls",
    **tls,
)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
