"""Members: people (officials, staff), partner organisations, offices and API keys."""
