"""Storage: the database engine, the models and every SQL statement the bot runs."""
