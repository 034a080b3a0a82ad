"""Points, levels, badges, privileges, leaderboards and ambassadors."""
