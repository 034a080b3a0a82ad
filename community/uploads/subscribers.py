"""An erased account's uploads go with it (rows now, files after the commit), whether or
not its posts stay: a picture is as personal as anything it wrote, and the posts that
showed one keep their text and lose the picture."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..events import AccountErased, on
from ..models import Upload
from . import service


@on(AccountErased)
def _erase_uploads(session: Session, event: AccountErased) -> None:
    service.delete_uploads(session, list(session.scalars(
        select(Upload).where(Upload.owner_id == event.user_id))))
