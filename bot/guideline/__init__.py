"""Guideline answers: the knowledge base under locales/ and the search that finds its entries.

entries.py loads the entries, words.py each language's word data, analysis.py turns text into
search terms, language.py tells which language a question is in, index.py ranks entries, and
guide.py puts them together into the one answer the bot and the command line both give.
"""
