"""End-to-end tests: the real kaikubot process against the Bot API emulator."""
