"""`Idempotency-Key` for writes: a retry replays the first answer instead of acting twice."""
