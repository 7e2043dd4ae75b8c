"""The sandbox: an in-memory model of Telegram's Bot API, served to the bot in tests and by hand."""
