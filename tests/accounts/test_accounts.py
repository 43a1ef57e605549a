"""Passwords, lockout windows and TOTP codes, against plain expectations."""

from __future__ import annotations

import datetime as dt

import pyotp

from registry.accounts import lockout, totp
from registry.accounts.passwords import Passwords, make_hasher
from registry.db import commit, utcnow


def test_production_hashes_are_argon2id_with_rfc_9106_low_memory_parameters():
    passwords = Passwords(make_hasher(testing=False))
    stored = passwords.hash("a-long-password-1")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify(stored, "a-long-password-1") and not passwords.verify(stored, "a-long-password-2")
    assert not passwords.verify("not a hash", "a-long-password-1")
    assert not passwords.verify(None, "anything")
    # A hash made with the cheap test profile is upgraded at the next sign-in.
    assert passwords.needs_rehash(Passwords(make_hasher(testing=True)).hash("x"))


def test_lockout_needs_ten_failures_within_fifteen_minutes_and_lasts_fifteen(session):
    start = utcnow() - dt.timedelta(hours=2)
    for i in range(9):
        lockout.record_failure(session, "account", "a@b.cn", start + dt.timedelta(minutes=i))
    assert lockout.locked_until(session, "account", "a@b.cn", start + dt.timedelta(minutes=9)) is None
    lockout.record_failure(session, "account", "a@b.cn", start + dt.timedelta(minutes=9))
    until = lockout.locked_until(session, "account", "a@b.cn", start + dt.timedelta(minutes=10))
    assert until == start + dt.timedelta(minutes=24)
    assert lockout.locked_until(session, "account", "a@b.cn", start + dt.timedelta(minutes=24, seconds=1)) is None
    assert lockout.locked_until(session, "account", "other@b.cn", start + dt.timedelta(minutes=10)) is None
    commit(session)


def test_ten_failures_spread_over_more_than_fifteen_minutes_do_not_lock(session):
    start = utcnow() - dt.timedelta(minutes=20)
    for i in range(10):
        lockout.record_failure(session, "client", "198.51.100.7", start + dt.timedelta(minutes=2 * i))
    assert lockout.locked_until(session, "client", "198.51.100.7") is None


def test_a_totp_code_works_once_within_one_step_either_side():
    secret = totp.new_secret()
    now = 1_800_000_000.0
    code = pyotp.TOTP(secret).at(now)
    step = totp.matching_step(secret, code, at=now)
    assert step == int(now // 30)
    assert totp.matching_step(secret, code, after=step, at=now) is None
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now - 30), at=now) == step - 1
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now - 90), at=now) is None
    assert totp.matching_step(secret, "12345", at=now) is None
    uri = totp.provisioning_uri(secret, "clerk@body-one.cn")
    assert uri.startswith("otpauth://totp/") and secret in uri
