"""Sauti with one injected fault, for the reliability suite only: when the file named by
SAUTI_TEST_KILL_AFTER_COMMIT exists, the first commit that posts to the ledger deletes it
and kills its own worker (SIGKILL) right after the commit, before any reply is sent."""

import os
import signal
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from app import create_app as create_sauti
from app.models import LedgerTransaction


def create_app():
    """The app, with the kill-after-commit hook armed by the marker file."""
    marker = Path(os.environ["SAUTI_TEST_KILL_AFTER_COMMIT"])

    @event.listens_for(Session, "after_flush")
    def _note_posting(session: Session, _context: object) -> None:
        if any(isinstance(row, LedgerTransaction) for row in session.new):
            session.info["posted"] = True

    @event.listens_for(Session, "after_commit")
    def _kill_after_posting(session: Session) -> None:
        if session.info.pop("posted", False) and marker.exists():
            marker.unlink()
            os.kill(os.getpid(), signal.SIGKILL)

    return create_sauti()
