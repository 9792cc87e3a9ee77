"""Input the portal refuses before any view or query sees it: characters PostgreSQL cannot store, and JSON bodies
too large or too deep to parse safely. A plain package below every app (no models, no app imports), so that any
app, and the portal's middleware, may use it."""
