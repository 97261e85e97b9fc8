"""Other ways out of the dependence: recycling stocks, bio-sorbents and seawater (docs/models/sources.md)."""
