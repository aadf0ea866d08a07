"""An e-mail backend for the worker tests: it marks that a send started, takes its time, then
appends each message to SLOW_MAIL_DIR/outbox.jsonl, so a test can kill a worker mid-send and
count what was sent."""

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, messages):
        folder = Path(os.environ["SLOW_MAIL_DIR"])
        (folder / f"started-{os.getpid()}").touch()
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "3")))
        with open(folder / "outbox.jsonl", "a", encoding="utf-8") as outbox:
            for message in messages:
                outbox.write(json.dumps({"subject": message.subject, "to": message.to}) + "\n")
        return len(messages)
