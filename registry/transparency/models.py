"""The log's stored state: its head (the lock), its hash tiles and its signed checkpoints."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base, UTCDateTime


class LogHead(Base):
    """The single row naming the log's size; publishers lock it so one checkpoint is signed per size."""

    __tablename__ = "log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    root: Mapped[str] = mapped_column(String(64))
    # The chain hash of the last logged event: the next event must link to it.
    chain_hash: Mapped[str] = mapped_column(String(64))


class LogTile(Base):
    """One hash tile (level >= 0) as its hashes so far; full tiles never change again."""

    __tablename__ = "log_tiles"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)


class LogCheckpoint(Base):
    """A signed checkpoint; the primary key makes a second checkpoint for one size impossible."""

    __tablename__ = "log_checkpoints"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    # Witness signature lines added after signing (tlog-cosignature), served after the log's own.
    cosignatures: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
