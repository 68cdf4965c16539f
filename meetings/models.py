"""Left small until its issue lands."""
