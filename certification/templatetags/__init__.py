"""Template tags of the publisher's pipeline pages."""
