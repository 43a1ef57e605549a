"""Staff accounts of certification bodies: users, passwords, sign-in throttling, second factor."""
