"""Points at the counter (DESIGN §5, §11): F3 earns for a sale and F6 redeems a reward
(i15b), F7 the member's history, refunds and activity points (i15c); slips and the customer
display follow each of them."""
