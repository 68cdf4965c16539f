"""The ground floor: machinery every app uses, importing no app."""
