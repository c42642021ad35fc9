"""Points at the counter (issue 15): history, refund and activity points (i15c); earn,
redeem and slips (i15b)."""
