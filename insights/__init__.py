"""What looks across a whole fair: statistics, reports and the organizer's live dashboard."""
