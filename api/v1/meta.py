from sqlmodel import Session, select

from api.models import Dataset


def current_version(session: Session) -> str:
    """The loaded data version, or "none" before the first seed."""
    return session.exec(select(Dataset.version)).first() or "none"
