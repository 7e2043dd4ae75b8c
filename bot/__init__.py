"""Kaikubot: a Telegram assistant for the people who run Kaikukortti."""
