"""bulletin: typeset a Chinese internal bulletin (简报) from YAML into PDF and DOCX."""

__version__ = "0.1.0"
