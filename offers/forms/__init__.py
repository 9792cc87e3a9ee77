"""One form per offer page; each module holds the pages of one concern."""
