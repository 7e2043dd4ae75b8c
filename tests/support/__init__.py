"""Test support: the fake Telegram transport and the user simulator that drive the real bot."""
