"""The one signal that crosses from conduct to complaints.

`lexicon_changed` is sent by conduct when officers add, change or delete entries of the
indicator lexicon (in the admin: `IndicatorPhraseAdmin`), inside the writing transaction,
with `actor` (who changed it) and `entries` (the ids of the entries changed). complaints
handles it by enqueueing a re-scan of stored evidence (complaints.handlers), which runs
after the change commits, so evidence already taken in is flagged as new evidence would be.
"""

from django.dispatch import Signal

lexicon_changed = Signal()
