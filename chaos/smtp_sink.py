"""An SMTP server in a process of its own, as a mail server is: it appends each email's Message-ID and subject to a
file as it accepts it (python -m chaos.smtp_sink PORT FILE)."""

import sys
import time
from email import message_from_bytes
from email.policy import default


class Handler:
    def __init__(self, path: str):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=default)
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(f"{message['Message-ID']}\t{' '.join(str(message['Subject']).split())}\n")
        return "250 OK"


def main(port: int, path: str) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(Handler(path), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
