"""Pure domain rules of Kaikukortti: what an answer may be, what must never be kept, dates."""
